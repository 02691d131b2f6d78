import { EventEmitter, once } from "node:events";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { TRADE_COLUMNS } from "./contract.js";

/** One trade as the fake sends it; every column not given is filled with a plausible value. */
export type FakeTrade = Partial<Record<(typeof TRADE_COLUMNS)[number], string>>;

export interface WsFakeOptions {
  /** Whether an approval key is valid (KisFake.approvalKeyValid). */
  approvalValid: (key: unknown) => boolean;
  /** Registrations per session before MAX SUBSCRIBE OVER (KIS: 40). */
  limit?: number;
}

interface Session {
  ws: WebSocket;
  keys: Set<string>;
}

/**
 * KIS's real-time WebSocket for HDFSCNT0 on 127.0.0.1: registrations answered like KIS (rt_cd,
 * msg_cd, msg1), PINGPONG heartbeats, data frames `0|HDFSCNT0|<count>|<fields>`. It never answers
 * WebSocket pings (autoPong off) so that a silent server can be played. Events: "connected",
 * "disconnected", "subscribed" (key), "unsubscribed" (key), "echo" (a PINGPONG sent back as
 * text), "pong" (a pong frame's payload).
 */
export class KisWsFake extends EventEmitter {
  url = "";
  readonly sessions = new Set<Session>();
  /** Every message a client sent, parsed (or the raw text when it was not JSON). */
  readonly received: unknown[] = [];
  /** Frames sent by pushTrades: when each left (process.hrtime.bigint()), by sequence number. */
  readonly sentAt: bigint[] = [];
  private server!: WebSocketServer;
  private quiet = false;

  private constructor(private readonly o: WsFakeOptions) {
    super();
    this.setMaxListeners(0);
  }

  static async start(o: WsFakeOptions): Promise<KisWsFake> {
    const fake = new KisWsFake(o);
    fake.server = new WebSocketServer({ host: "127.0.0.1", port: 0, autoPong: false });
    await once(fake.server, "listening");
    fake.url = `ws://127.0.0.1:${(fake.server.address() as AddressInfo).port}/tryitout`;
    fake.server.on("connection", (ws) => fake.accept(ws));
    return fake;
  }

  async close(): Promise<void> {
    for (const s of this.sessions) s.ws.terminate();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Waits for the next event `name` (whose argument passes `match`, when given). */
  next(name: "connected" | "disconnected" | "subscribed" | "unsubscribed" | "echo" | "pong", match?: (arg: string) => boolean): Promise<string> {
    return new Promise((resolve) => {
      const on = (arg: string) => {
        if (match && !match(arg)) return;
        this.off(name, on);
        resolve(arg);
      };
      this.on(name, on);
    });
  }

  /** Resolves when `key` is registered in a live session (now or later). */
  subscribed(key: string): Promise<string> {
    if ([...this.sessions].some((s) => s.keys.has(key))) return Promise.resolve(key);
    return this.next("subscribed", (k) => k === key);
  }

  registered(): string[] {
    return [...this.sessions].flatMap((s) => [...s.keys]);
  }

  /** Closes every connection abruptly (the client sees 1006). */
  dropConnections(): void {
    for (const s of this.sessions) s.ws.terminate();
  }

  /** While silent the fake sends nothing: no answer, no PINGPONG, no trade. */
  silence(on: boolean): void {
    this.quiet = on;
  }

  ping(datetime = "20250101093000"): void {
    this.broadcast(JSON.stringify({ header: { tr_id: "PINGPONG", datetime } }));
  }

  /** One data frame carrying every trade given, to the sessions that registered `key`. */
  trades(key: string, trades: FakeTrade[]): void {
    this.broadcast(tradeFrame(key, trades), key);
  }

  /** Any text, as is, to every session (malformed or encrypted frames). */
  raw(text: string): void {
    this.broadcast(text);
  }

  /**
   * For the benchmark: `n` one-trade frames sent back to back to the sessions of `key`, each
   * with EVOL = its sequence number (a tick's size tells which frame it came from) and its send
   * time recorded in `sentAt[seq]`.
   */
  pushTrades(key: string, n: number, trade: FakeTrade = {}): void {
    for (let i = 0; i < n; i++) {
      const seq = this.sentAt.length;
      const frame = tradeFrame(key, [{ ...trade, EVOL: String(seq) }]);
      this.sentAt.push(process.hrtime.bigint());
      this.broadcast(frame, key);
    }
  }

  private broadcast(text: string, key?: string): void {
    if (this.quiet) return;
    for (const s of this.sessions) if (!key || s.keys.has(key)) s.ws.send(text);
  }

  private accept(ws: WebSocket): void {
    const session: Session = { ws, keys: new Set() };
    this.sessions.add(session);
    ws.on("close", () => {
      this.sessions.delete(session);
      this.emit("disconnected", "");
    });
    ws.on("pong", (data: Buffer) => this.emit("pong", data.toString("utf8")));
    ws.on("message", (data: Buffer) => this.handle(session, data.toString("utf8")));
    this.emit("connected", "");
  }

  private handle(s: Session, text: string): void {
    let msg: { header?: Record<string, unknown>; body?: { input?: Record<string, unknown> } };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      this.received.push(text);
      return;
    }
    this.received.push(msg);
    const h = msg.header ?? {};
    if (h.tr_id === "PINGPONG") return void this.emit("echo", text);
    if (this.quiet) return;
    const trId = asText(msg.body?.input?.tr_id);
    const key = asText(msg.body?.input?.tr_key);
    const answer = (rt_cd: string, msg_cd: string, msg1: string, output?: Record<string, string>) =>
      s.ws.send(JSON.stringify({ header: { tr_id: trId, tr_key: key, encrypt: "N" }, body: { rt_cd, msg_cd, msg1, ...(output ? { output } : {}) } }));
    const headerOk = h.custtype === "P" && h["content-type"] === "utf-8" && (h.tr_type === "1" || h.tr_type === "2");
    if (!headerOk || trId !== "HDFSCNT0" || !/^D(NAS|NYS|AMS)[A-Z0-9./-]+$/.test(key)) return answer("1", "OPSP9999", "INVALID REQUEST");
    if (!this.o.approvalValid(h.approval_key)) return answer("1", "OPSP0011", "invalid approval : NOT FOUND");
    if (h.tr_type === "2") {
      if (!s.keys.delete(key)) return answer("1", "OPSP0003", "UNSUBSCRIBE ERROR(not found!)");
      answer("0", "OPSP0001", "UNSUBSCRIBE SUCCESS");
      return void this.emit("unsubscribed", key);
    }
    if (s.keys.has(key)) return answer("1", "OPSP0002", "ALREADY IN SUBSCRIBE");
    if (s.keys.size >= (this.o.limit ?? 40)) return answer("1", "OPSP0008", "MAX SUBSCRIBE OVER");
    s.keys.add(key);
    answer("0", "OPSP0000", "SUBSCRIBE SUCCESS", { iv: "0123456789abcdef", key: "abcdefghijklmnopqrstuvwxyz012345" });
    this.emit("subscribed", key);
  }
}

function asText(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** `0|HDFSCNT0|<count>|...`: 26 fields a trade, in TRADE_COLUMNS order. */
export function tradeFrame(key: string, trades: FakeTrade[]): string {
  const fields = trades.flatMap((t) => {
    const full: Record<string, string> = {
      RSYM: key, SYMB: key.slice(4), ZDIV: "4", TYMD: "20250102", XYMD: "20250102", XHMS: "093000", KYMD: "20250102", KHMS: "233000",
      OPEN: "100.0000", HIGH: "101.0000", LOW: "99.0000", LAST: "100.5000", SIGN: "2", DIFF: "0.5000", RATE: "0.50", PBID: "100.4900",
      PASK: "100.5100", VBID: "10", VASK: "12", EVOL: "1", TVOL: "1000", TAMT: "100500", BIVL: "400", ASVL: "600", STRN: "150.00", MTYP: "1",
      ...t,
    };
    return TRADE_COLUMNS.map((c) => full[c] ?? "");
  });
  return `0|HDFSCNT0|${String(trades.length).padStart(3, "0")}|${fields.join("^")}`;
}
