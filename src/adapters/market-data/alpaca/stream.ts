import { performance } from "node:perf_hooks";
import WebSocket, { type RawData } from "ws";
import type { FeedStatusSink, StreamingMarketData, TickSink } from "../../../app/ports/market-data.js";
import { cleanText, cutText } from "../../../domain/text.js";
import { TICKER_PATTERN } from "../../../domain/vocabulary.js";
import { authMessage, parseFrame, type StreamEvent } from "./messages.js";
import { backoffDelay, describeStreamError, REQUEST_ERRORS, type StreamFailure } from "./stream-errors.js";
import { SubscriptionBook, type Refusal } from "./subscriptions.js";

export type AlpacaFeed = "iex" | "sip" | "delayed_sip";

/** Pino's logger fits; the stream never passes a key or a secret to it. */
export interface StreamLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface AlpacaStreamOptions {
  keyId: string;
  secretKey: string;
  feed: AlpacaFeed;
  /** e.g. wss://stream.data.alpaca.markets; the feed's path (/v2/iex) is added here. */
  streamUrl: string;
  /** No message and no pong for this long: the socket is dead. Also bounds every wait for an answer. */
  silenceMs: number;
  /** First reconnect delay; doubles per failed attempt (default 1 s). */
  backoffMs?: number;
  /** Longest reconnect delay (default 60 s; five times that for key, plan and connection-limit problems). */
  maxBackoffMs?: number;
  log?: StreamLog;
}

export interface AlpacaStreamStats {
  ticks: number;
  /** Frames or messages that broke the protocol (bad JSON, missing fields, price <= 0, bad time). */
  malformed: number;
  /** Well-formed messages that are not ticks: quotes, corrections, trades of unfollowed tickers. */
  ignored: number;
  /** Sockets opened, the first one included. */
  connects: number;
}

const QUIET_LOG: StreamLog = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * Alpaca's real-time stock trades (free IEX feed, or SIP with a plan) over one WebSocket. The
 * protocol (docs.alpaca.markets, "WebSocket Stream" and "Real-time Stock Data"): the server
 * greets with [{"T":"success","msg":"connected"}]; we send {"action":"auth",...} and get
 * "authenticated"; then subscribe/unsubscribe {"trades":[...]}, each answered by the whole
 * subscription or an error. Frames are JSON text because we do not ask for MessagePack (the
 * official SDKs opt in with "Content-Type: application/msgpack" on the upgrade request).
 */
export class AlpacaStream implements StreamingMarketData {
  readonly name = "alpaca";
  readonly stats: AlpacaStreamStats = { ticks: 0, malformed: 0, ignored: 0, connects: 0 };
  private readonly o: Required<Omit<AlpacaStreamOptions, "log">> & { log: StreamLog };
  private readonly source: string;
  private sink: TickSink | undefined;
  private status: FeedStatusSink | undefined;
  private requested: readonly string[] = [];
  private readonly book = new SubscriptionBook();
  private socket: WebSocket | undefined;
  private watch: NodeJS.Timeout | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private killAfterClose: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private attempt = 0;
  /** Malformed input is logged at most once a minute (a broken peer could send thousands). */
  private malformedLoggedAt = Number.NEGATIVE_INFINITY;
  /** Per connection: */
  private lastHeard = 0;
  private waitingSince: number | undefined;
  private authenticated = false;
  private isLive = false;
  private failure: StreamFailure | undefined;
  private reported: { state: "live" | "down"; reason: string } | undefined;
  private firstAttempt: (() => void) | undefined;

  constructor(options: AlpacaStreamOptions) {
    this.o = { backoffMs: 1000, maxBackoffMs: 60_000, ...options, log: options.log ?? QUIET_LOG };
    this.source = `alpaca:${options.feed}`;
  }

  start(sink: TickSink, status: FeedStatusSink): Promise<void> {
    if (this.sink) throw new Error("the Alpaca stream was already started");
    if (this.stopping) return Promise.reject(new Error("the Alpaca stream was stopped"));
    this.sink = sink;
    this.status = status;
    const first = new Promise<void>((resolve) => (this.firstAttempt = resolve));
    this.follow(this.requested);
    this.connect();
    return first;
  }

  follow(tickers: readonly string[]): void {
    this.requested = tickers;
    if (!this.status) return;
    const valid: string[] = [];
    for (const ticker of tickers) {
      if (!TICKER_PATTERN.test(ticker)) this.status.refused(cutText(cleanText(ticker), 12), "not a ticker Alpaca streams (upper case, e.g. AAPL or BRK.B)");
      else if (!valid.includes(ticker)) valid.push(ticker);
    }
    this.book.want(valid);
    this.pump();
  }

  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      clearTimeout(this.reconnect);
      clearInterval(this.watch);
      this.settleFirstAttempt();
      const socket = this.socket;
      if (!socket || socket.readyState === WebSocket.CLOSED) return resolve();
      socket.once("close", () => {
        clearTimeout(this.killAfterClose);
        resolve();
      });
      if (socket.readyState === WebSocket.OPEN) {
        socket.close(1000, "stopping");
        // A peer that never answers the close handshake is cut off.
        this.killAfterClose = setTimeout(() => socket.terminate(), 1000);
      } else {
        socket.terminate();
      }
    });
    return this.stopping;
  }

  private connect(): void {
    if (this.stopping) return;
    this.book.reset();
    this.authenticated = false;
    this.isLive = false;
    this.failure = undefined;
    this.lastHeard = performance.now();
    this.waitingSince = this.lastHeard;
    const url = `${this.o.streamUrl.replace(/\/+$/, "")}/v2/${this.o.feed}`;
    const socket = new WebSocket(url, { handshakeTimeout: this.o.silenceMs });
    this.socket = socket;
    socket.on("open", () => {
      this.stats.connects++;
      this.heard();
    });
    socket.on("message", (data) => {
      if (this.stopping) return;
      this.heard();
      this.onFrame(socket, frameText(data));
    });
    socket.on("pong", () => this.heard());
    socket.on("error", (error) => {
      this.failure ??= { reason: `connection failed: ${cutText(cleanText(error.message), 200)}`, retry: "normal" };
    });
    socket.on("close", (code, reason) => this.onClose(socket, code, reason.toString()));
    const every = Math.max(10, Math.min(this.o.silenceMs / 4, 5000));
    this.watch = setInterval(() => this.check(socket), every);
  }

  private heard(): void {
    this.lastHeard = performance.now();
  }

  /** Pings, and calls the socket dead when nothing (not even a pong) came for silenceMs. */
  private check(socket: WebSocket): void {
    const now = performance.now();
    const secs = `${Number((this.o.silenceMs / 1000).toFixed(3))} s`;
    if (now - this.lastHeard >= this.o.silenceMs) return this.fail(socket, { reason: `no message for ${secs}`, retry: "normal" });
    if (this.waitingSince !== undefined && now - this.waitingSince >= this.o.silenceMs) {
      return this.fail(socket, { reason: `no greeting or auth answer from Alpaca for ${secs}`, retry: "normal" });
    }
    const pending = this.book.pending;
    if (pending && now - pending.sentAt >= this.o.silenceMs) return this.fail(socket, { reason: `no answer to ${pending.action} for ${secs}`, retry: "normal" });
    if (socket.readyState === WebSocket.OPEN) socket.ping();
  }

  private fail(socket: WebSocket, failure: StreamFailure): void {
    this.failure ??= failure;
    socket.terminate();
  }

  private onFrame(socket: WebSocket, text: string): void {
    const { events, malformed } = parseFrame(text);
    if (malformed > 0) this.countMalformed(malformed, text);
    for (const event of events) this.onEvent(socket, event);
  }

  private countMalformed(count: number, text: string): void {
    this.stats.malformed += count;
    const now = performance.now();
    if (now - this.malformedLoggedAt < 60_000) return;
    this.malformedLoggedAt = now;
    this.o.log.warn({ feed: this.source, malformed: this.stats.malformed, sample: cutText(cleanText(text), 120) }, "alpaca stream: malformed message skipped");
  }

  private onEvent(socket: WebSocket, event: StreamEvent): void {
    switch (event.kind) {
      case "trade":
        if (!this.book.isWanted(event.ticker)) {
          // Alpaca may still send a few trades of a ticker just unsubscribed (its buffering).
          this.stats.ignored++;
          return;
        }
        this.stats.ticks++;
        this.sink?.push({ ticker: event.ticker, price: event.price, size: event.size, time: event.time, source: this.source });
        return;
      case "connected":
        if (socket.readyState === WebSocket.OPEN) socket.send(authMessage(this.o.keyId, this.o.secretKey));
        return;
      case "authenticated":
        this.authenticated = true;
        this.waitingSince = undefined;
        return this.pump();
      case "subscription":
        this.report(this.book.answered(event.trades));
        return this.pump();
      case "error":
        if (this.book.pending && REQUEST_ERRORS.has(event.code)) {
          const limit = event.code === 405 ? `symbol limit exceeded on the ${this.o.feed} feed (the Alpaca plan allows fewer symbols)` : "Alpaca refused the subscription";
          this.report(this.book.failed(`${limit} (Alpaca ${event.code}: ${event.message})`));
          return this.pump();
        }
        this.o.log.warn({ feed: this.source, code: event.code, message: event.message }, "alpaca stream error");
        return this.fail(socket, describeStreamError(event.code, event.message, this.o.feed));
      case "ignored":
        this.stats.ignored++;
        return;
    }
  }

  private report(refusals: Refusal[]): void {
    for (const r of refusals) this.status?.refused(r.ticker, r.reason);
  }

  /** Sends the next subscription change; goes live once the first round has been answered. */
  private pump(): void {
    const socket = this.socket;
    if (!this.authenticated || !socket || socket.readyState !== WebSocket.OPEN) return;
    const request = this.book.next(performance.now());
    if (request) {
      socket.send(request.frame);
      this.o.log.info({ feed: this.source, action: request.action, tickers: request.tickers }, "alpaca stream: subscription change");
      return;
    }
    if (this.book.pending || this.isLive) return;
    this.isLive = true;
    this.attempt = 0;
    this.setState("live", `${this.book.count} tickers on ${this.o.feed}`);
    this.settleFirstAttempt();
  }

  private onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    clearInterval(this.watch);
    if (this.stopping) return;
    const said = reason ? `: ${cutText(cleanText(reason), 120)}` : "";
    const failure = this.failure ?? { reason: `connection closed by Alpaca (code ${code}${said})`, retry: "normal" };
    this.setState("down", failure.reason);
    const delay = backoffDelay(this.attempt++, this.o.backoffMs, this.o.maxBackoffMs, failure.retry);
    this.o.log.warn({ feed: this.source, reason: failure.reason, reconnectInMs: delay }, "alpaca stream down; reconnecting");
    this.settleFirstAttempt();
    this.reconnect = setTimeout(() => {
      this.reconnect = undefined;
      this.connect();
    }, delay);
  }

  private setState(state: "live" | "down", reason: string): void {
    if (this.reported?.state === state && this.reported.reason === reason) return;
    this.reported = { state, reason };
    if (state === "live") this.status?.live(reason);
    else this.status?.down(reason);
  }

  private settleFirstAttempt(): void {
    this.firstAttempt?.();
    this.firstAttempt = undefined;
  }
}

function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}
