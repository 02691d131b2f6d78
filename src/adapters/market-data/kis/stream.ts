import { WebSocket, type RawData } from "ws";
import type { FeedStatusSink, StreamingMarketData, TickSink } from "../../../app/ports/market-data.js";
import { cleanText, cutText } from "../../../domain/text.js";
import type { Logger } from "../../../logger.js";
import { type KisEnv, KIS_HOSTS, KIS_TRADES_TR_ID, KIS_WS_SUBSCRIPTION_LIMIT, KIS_WS_URLS, type OrderExchange } from "../../broker/kis/environments.js";
import { KisError } from "../../broker/kis/errors.js";
import { ApprovalKeys } from "./approval-key.js";
import { KisExchanges } from "./exchanges.js";
import { type KisFrame, parseFrame, tradeOf } from "./frames.js";
import { OVER_LIMIT, Subscriptions } from "./subscriptions.js";

export interface KisStreamOptions {
  env: KisEnv;
  appKey: string;
  appSecret: string;
  /** REST host for the approval key; the environment's by default. */
  baseUrl?: string;
  /** WebSocket URL; the environment's (ws://ops.koreainvestment.com:21000/tryitout real, :31000 paper) by default. */
  wsUrl?: string;
  /** No frame and no PINGPONG for this long: the connection is dropped, reported down and made again. */
  silenceMs: number;
  /** First reconnect delay, doubled per failed attempt up to maxBackoffMs (defaults 1 s and 60 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  exchanges?: Readonly<Record<string, OrderExchange>> | KisExchanges;
  log?: Pick<Logger, "info" | "warn">;
  /** Registrations per session (default 40, KIS's limit). */
  limit?: number;
  timeoutMs?: number;
}

export interface KisStreamStats {
  frames: number;
  ticks: number;
  malformed: number;
  encrypted: number;
  pings: number;
  reconnects: number;
  /** Records whose Korean clock disagreed with the exchange's (the exchange's was used). */
  clockMismatches: number;
  /** Records for a key no longer (or never) followed. */
  unknown: number;
}

/**
 * Real-time US trades from KIS (HDFSCNT0) over its WebSocket: an approval key, one JSON message
 * per registration, data frames `0|HDFSCNT0|<count>|<fields>` carrying <count> trades, JSON acks
 * and PINGPONG heartbeats. Reconnects with back-off and registers every followed ticker again.
 */
export class KisStream implements StreamingMarketData {
  readonly name = "kis";
  readonly stats: KisStreamStats = { frames: 0, ticks: 0, malformed: 0, encrypted: 0, pings: 0, reconnects: 0, clockMismatches: 0, unknown: 0 };
  private readonly keys: ApprovalKeys;
  private readonly subs: Subscriptions;
  private readonly url: string;
  private sink: TickSink | undefined;
  private status: FeedStatusSink | undefined;
  private ws: WebSocket | undefined;
  private approvalKey = "";
  /** Keys registered (or being registered) in this session. */
  private readonly requested = new Set<string>();
  private wanted = new Map<string, string>();
  private live = false;
  private closingReason: string | undefined;
  private lastError: string | undefined;
  private reportedMalformed = false;
  private backoff: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly o: KisStreamOptions) {
    this.keys = new ApprovalKeys({ baseUrl: o.baseUrl ?? KIS_HOSTS[o.env], appKey: o.appKey, appSecret: o.appSecret, timeoutMs: o.timeoutMs });
    this.subs = new Subscriptions(KisExchanges.of(o.exchanges), o.limit ?? KIS_WS_SUBSCRIPTION_LIMIT);
    this.url = o.wsUrl ?? KIS_WS_URLS[o.env];
    this.backoff = o.backoffMs ?? 1000;
  }

  async start(sink: TickSink, status: FeedStatusSink): Promise<void> {
    if (this.sink || this.stopped) return;
    this.sink = sink;
    this.status = status;
    this.reconcile();
    await this.connect();
  }

  follow(tickers: readonly string[]): void {
    this.subs.follow(tickers);
    this.reconcile();
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /** One attempt: resolves once it is open or has failed (a reconnect is then scheduled). */
  private async connect(): Promise<void> {
    this.reconnectTimer = undefined;
    if (this.stopped) return;
    try {
      this.approvalKey = await this.keys.get();
    } catch (error) {
      return this.failed(`no KIS WebSocket approval key: ${error instanceof KisError ? error.operatorText : String(error)}`);
    }
    if (this.stopped) return;
    await new Promise<void>((settled) => {
      const ws = new WebSocket(this.url, { handshakeTimeout: this.o.silenceMs });
      this.ws = ws;
      this.armSilence(ws);
      ws.on("open", () => {
        this.opened(ws);
        settled();
      });
      ws.on("message", (data) => this.received(ws, text(data)));
      ws.on("error", (error) => {
        this.lastError = error.message;
      });
      ws.on("close", (code, reason) => {
        this.closed(ws, code, reason.toString());
        settled();
      });
    });
  }

  private opened(ws: WebSocket): void {
    if (ws !== this.ws) return;
    this.subs.newSession();
    this.requested.clear();
    this.live = false;
    this.reportedMalformed = false;
    this.reconcile();
  }

  private closed(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    clearTimeout(this.silenceTimer);
    this.ws = undefined;
    this.live = false;
    if (this.stopped) return;
    const detail = [reason, this.lastError].filter(Boolean).map((t) => clean(t ?? "")).join("; ");
    const why = this.closingReason ?? `KIS WebSocket closed (${code}${detail ? `: ${detail}` : ""})`;
    this.closingReason = undefined;
    this.lastError = undefined;
    this.failed(`${why}; reconnecting`);
  }

  private failed(reason: string): void {
    if (this.stopped) return;
    this.status?.down(reason);
    if (this.reconnectTimer) return;
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.o.maxBackoffMs ?? 60_000);
    this.stats.reconnects += 1;
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private armSilence(ws: WebSocket): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => {
      if (ws !== this.ws) return;
      this.closingReason = `no message from KIS for ${Math.round(this.o.silenceMs / 1000)} s (not even PINGPONG)`;
      ws.terminate();
    }, this.o.silenceMs);
  }

  /** Registers what is wanted and not registered, releases what is registered and no longer wanted. */
  private reconcile(): void {
    if (!this.status) return;
    const { wanted, refusals } = this.subs.plan();
    for (const [ticker, reason] of refusals) this.status.refused(ticker, reason);
    this.wanted = wanted;
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    for (const key of [...this.requested]) {
      if (wanted.has(key)) continue;
      this.send(ws, "2", key);
      this.requested.delete(key);
    }
    for (const key of wanted.keys()) {
      if (this.requested.has(key)) continue;
      this.send(ws, "1", key);
      this.requested.add(key);
    }
    if (wanted.size === 0) this.markLive("connected; no ticker to follow");
  }

  private send(ws: WebSocket, trType: "1" | "2", trKey: string): void {
    // The approval key rides in every registration: this message is never logged.
    ws.send(JSON.stringify({ header: { approval_key: this.approvalKey, custtype: "P", tr_type: trType, "content-type": "utf-8" }, body: { input: { tr_id: KIS_TRADES_TR_ID, tr_key: trKey } } }));
  }

  private markLive(detail: string): void {
    if (this.live) return;
    this.live = true;
    this.backoff = this.o.backoffMs ?? 1000;
    this.status?.live(detail);
  }

  private received(ws: WebSocket, message: string): void {
    if (ws !== this.ws) return;
    this.armSilence(ws);
    this.stats.frames += 1;
    const frame = parseFrame(message);
    switch (frame.kind) {
      case "pingpong":
        this.stats.pings += 1;
        // Echoed as received: as text (what clients that keep the session up do) and as a pong
        // frame carrying it (what KIS's own samples do); an unsolicited pong is harmless (RFC 6455).
        ws.send(message);
        if (Buffer.byteLength(message) <= 125) ws.pong(message);
        return;
      case "encrypted":
        this.stats.encrypted += 1;
        return;
      case "malformed":
        return this.malformed(frame.why);
      case "ack":
        return this.acked(ws, frame);
      case "data":
        return this.trades(frame);
    }
  }

  private trades(frame: Extract<KisFrame, { kind: "data" }>): void {
    if (frame.trId !== KIS_TRADES_TR_ID) return this.malformed(`unexpected tr_id ${clean(frame.trId)}`);
    for (const record of frame.records) {
      const trade = tradeOf(record);
      if ("invalid" in trade) {
        this.malformed(trade.invalid);
        continue;
      }
      const ticker = this.wanted.get(trade.key) ?? [...this.wanted.values()].find((t) => t === trade.symbol);
      if (!ticker) {
        this.stats.unknown += 1;
        continue;
      }
      if (trade.clocksDisagree) this.stats.clockMismatches += 1;
      this.stats.ticks += 1;
      this.sink?.push({ ticker, price: trade.price, size: trade.size, time: trade.time, source: "kis:ws" });
    }
  }

  private acked(ws: WebSocket, ack: Extract<KisFrame, { kind: "ack" }>): void {
    if (ack.trId !== KIS_TRADES_TR_ID) return;
    // Answers to a release (UNSUBSCRIBE SUCCESS, UNSUBSCRIBE ERROR(not found!)) change nothing.
    if (/^UNSUB/i.test(ack.msg)) return;
    if (ack.ok || ack.msgCd === "OPSP0002" || /ALREADY IN SUBSCRIBE/i.test(ack.msg)) return this.markLive("KIS real-time trades (HDFSCNT0)");
    const text = clean(ack.msg || ack.msgCd || "refused");
    if (ack.msgCd === "OPSP0011" || ack.msgCd === "OPSP8996" || /approval|appkey/i.test(ack.msg)) {
      // The session itself is refused: a new approval key (when it was the key) and a new connection.
      if (ack.msgCd === "OPSP0011" || /approval/i.test(ack.msg)) this.keys.invalidate();
      this.closingReason = `KIS refused the WebSocket session (${text})`;
      ws.terminate();
      return;
    }
    this.requested.delete(ack.trKey);
    const ticker = this.wanted.get(ack.trKey);
    if (!ticker) return;
    const reason = ack.msgCd === "OPSP0008" || /MAX SUBSCRIBE OVER/i.test(ack.msg) ? OVER_LIMIT : `KIS refused the real-time registration: ${text}`;
    if (this.subs.refusedByServer(ticker, reason)) this.status?.refused(ticker, reason);
  }

  private malformed(why: string): void {
    this.stats.malformed += 1;
    if (this.reportedMalformed) return;
    this.reportedMalformed = true;
    this.o.log?.warn({ why: clean(why) }, "malformed KIS real-time frame skipped (counted; reported once per connection)");
  }

  private async shutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.silenceTimer);
    const ws = this.ws;
    this.ws = undefined;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => ws.terminate(), 1000);
      ws.once("close", () => {
        clearTimeout(force);
        resolve();
      });
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, "stopping");
      else ws.terminate();
    });
  }
}

function text(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.from(data).toString("utf8");
}

function clean(t: string): string {
  return cutText(cleanText(t), 160);
}
