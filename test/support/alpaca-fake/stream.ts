import { performance } from "node:perf_hooks";
import type { WebSocket } from "ws";

/** A trade the fake prints; the price is a decimal string written into the frame as a JSON number. */
export interface FakeTrade {
  ticker: string;
  price: string;
  size: number;
  /** RFC-3339, e.g. "2024-03-01T15:30:00.123456789Z". */
  time: string;
}

export interface FakeStreamRules {
  keys: () => Record<string, string>;
  /** Trades symbols one session may follow (Alpaca's free IEX plan: 30). */
  symbolLimit: number;
  /** Whether these keys' plan includes /v2/sip (otherwise 409 insufficient subscription). */
  sipAllowed: boolean;
  /** Authenticated sessions per key and feed (Alpaca: 1; a second one gets 406). */
  connectionLimit: number;
}

export interface FakeSession {
  readonly id: number;
  readonly feed: string;
  keyId: string | undefined;
  authenticated: boolean;
  /** WebSocket pings the client sent (answered unless silent). */
  pings: number;
  readonly trades: Set<string>;
  /** Every frame the client sent, parsed (auth frames with the secret replaced). */
  readonly received: unknown[];
  readonly socket: WebSocket;
}

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * One stream session as Alpaca's "Real-time Stock Data" documents it: the greeting, auth by
 * message, subscribe/unsubscribe answered by the whole subscription, errors as
 * [{"T":"error","code","msg"}] (the server hangs up after auth errors), trades as "T":"t".
 */
export class FakeStreamProtocol {
  silent = false;
  private nextTradeId = 1;

  constructor(
    private readonly rules: FakeStreamRules,
    private readonly sessions: () => readonly FakeSession[],
    private readonly changed: () => void,
  ) {}

  open(session: FakeSession): void {
    session.socket.on("ping", (data) => {
      session.pings++;
      if (!this.silent) session.socket.pong(data);
      this.changed();
    });
    session.socket.on("message", (data: Buffer) => this.onMessage(session, data.toString("utf8")));
    this.send(session, [{ T: "success", msg: "connected" }]);
  }

  /** Sends a frame of trades to every authenticated session subscribed to them; returns when it left. */
  trades(list: readonly FakeTrade[]): number {
    const objects = list.map((t) => {
      if (!DECIMAL.test(t.price)) throw new Error(`fake trade price "${t.price}" is not a decimal string`);
      return { t, json: `{"T":"t","i":${this.nextTradeId++},"S":${JSON.stringify(t.ticker)},"x":"V","p":${t.price},"s":${t.size},"t":${JSON.stringify(t.time)},"c":["@"],"z":"C"}` };
    });
    const sentAt = performance.now();
    for (const session of this.sessions()) {
      if (!session.authenticated) continue;
      const mine = objects.filter(({ t }) => session.trades.has(t.ticker)).map(({ json }) => json);
      if (mine.length > 0) this.sendRaw(session, `[${mine.join(",")}]`);
    }
    return sentAt;
  }

  /** A raw text frame to every authenticated session (malformed frames, corrections, ...). */
  raw(frame: string): void {
    for (const session of this.sessions()) if (session.authenticated) this.sendRaw(session, frame);
  }

  private onMessage(session: FakeSession, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return this.error(session, 400, "invalid syntax");
    }
    if (typeof message !== "object" || message === null) return this.error(session, 400, "invalid syntax");
    const m = message as Record<string, unknown>;
    session.received.push(m.action === "auth" ? { ...m, secret: "[kept out]" } : m);
    if (m.action === "auth") this.auth(session, m);
    else if (m.action === "subscribe" || m.action === "unsubscribe") this.subscribe(session, m.action, m.trades);
    else this.error(session, 400, "invalid syntax");
    this.changed();
  }

  private auth(session: FakeSession, m: Record<string, unknown>): void {
    if (session.authenticated) return this.error(session, 403, "already authenticated");
    const key = typeof m.key === "string" ? m.key : "";
    if (this.rules.keys()[key] === undefined || this.rules.keys()[key] !== m.secret) return this.hangUp(session, 402, "auth failed");
    if (session.feed === "sip" && !this.rules.sipAllowed) return this.hangUp(session, 409, "insufficient subscription");
    const others = this.sessions().filter((s) => s !== session && s.authenticated && s.keyId === key && s.feed === session.feed);
    if (others.length >= this.rules.connectionLimit) return this.hangUp(session, 406, "connection limit exceeded");
    session.keyId = key;
    session.authenticated = true;
    this.send(session, [{ T: "success", msg: "authenticated" }]);
  }

  private subscribe(session: FakeSession, action: "subscribe" | "unsubscribe", trades: unknown): void {
    if (!session.authenticated) return this.error(session, 401, "not authenticated");
    if (trades !== undefined && (!Array.isArray(trades) || !trades.every((t) => typeof t === "string"))) return this.error(session, 400, "invalid syntax");
    const asked: string[] = trades ?? [];
    if (action === "subscribe") {
      const after = new Set([...session.trades, ...asked]);
      // Alpaca: "your symbol subscriptions are the same as they were before you sent the request that failed".
      if (after.size > this.rules.symbolLimit) return this.error(session, 405, "symbol limit exceeded");
      for (const t of asked) session.trades.add(t);
    } else {
      for (const t of asked) session.trades.delete(t);
    }
    const list = [...session.trades];
    this.send(session, [{ T: "subscription", trades: list, quotes: [], bars: [], updatedBars: [], dailyBars: [], statuses: [], lulds: [], corrections: list, cancelErrors: list }]);
  }

  private error(session: FakeSession, code: number, msg: string): void {
    this.send(session, [{ T: "error", code, msg }]);
  }

  private hangUp(session: FakeSession, code: number, msg: string): void {
    this.error(session, code, msg);
    if (!this.silent) session.socket.close(1008, msg);
  }

  private send(session: FakeSession, frame: object[]): void {
    this.sendRaw(session, JSON.stringify(frame));
  }

  private sendRaw(session: FakeSession, frame: string): void {
    if (this.silent || session.socket.readyState !== session.socket.OPEN) return;
    session.socket.send(frame);
  }
}
