import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { FakeBars, type BarsFault, type BarsRequest, type FakeBar } from "./bars.js";
import { FakeStreamProtocol, type FakeSession, type FakeTrade } from "./stream.js";

export type { BarsFault, BarsRequest, FakeBar, FakeSession, FakeTrade };

export interface AlpacaFakeOptions {
  /** Accepted key id -> secret (stream and REST). */
  keys: Record<string, string>;
  /** Trades symbols per session before 405 (default 30, the free IEX plan). */
  symbolLimit?: number;
  /** Whether /v2/sip is in the plan (default false: 409 insufficient subscription). */
  sipAllowed?: boolean;
  /** Authenticated sessions per key and feed (default 1: a second one gets 406). */
  connectionLimit?: number;
  /** Most bars per REST page, whatever `limit` says (default 10,000). */
  barsPageSize?: number;
}

const FEEDS = new Set(["iex", "sip", "delayed_sip"]);

/**
 * An Alpaca market-data fake on 127.0.0.1 and a free port: one HTTP server for the bars REST
 * endpoint that upgrades /v2/{iex,sip,delayed_sip} to the stream protocol. Tests script it
 * (trades, malformed frames, drops, silence, limits) and await what it saw.
 */
export class AlpacaFake {
  /** REST base, e.g. http://127.0.0.1:PORT (AlpacaHistory's dataUrl). */
  url = "";
  /** Stream base, e.g. ws://127.0.0.1:PORT (AlpacaStream's streamUrl). */
  streamUrl = "";
  /** Every stream session ever accepted, open or closed, in order. */
  readonly sessions: FakeSession[] = [];
  readonly bars: FakeBars;
  private keys: Record<string, string>;
  private server!: Server;
  private wss!: WebSocketServer;
  private readonly protocol: FakeStreamProtocol;
  private readonly waiters = new Set<{ check: () => boolean; resolve: () => void }>();
  private closedCount = 0;

  private constructor(o: AlpacaFakeOptions) {
    this.keys = { ...o.keys };
    this.bars = new FakeBars(() => this.keys, o.barsPageSize ?? 10_000);
    const rules = { keys: () => this.keys, symbolLimit: o.symbolLimit ?? 30, sipAllowed: o.sipAllowed ?? false, connectionLimit: o.connectionLimit ?? 1 };
    this.protocol = new FakeStreamProtocol(rules, () => this.openSessions(), () => this.changed());
  }

  static async start(o: AlpacaFakeOptions): Promise<AlpacaFake> {
    const fake = new AlpacaFake(o);
    // autoPong off: the fake answers pings itself, so that silence(true) can stop answering.
    fake.wss = new WebSocketServer({ noServer: true, autoPong: false });
    fake.server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://fake");
      if (req.method === "GET" && url.pathname === "/v2/stocks/bars") return fake.bars.handle(req, res, url);
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "not found" }));
    });
    fake.server.on("upgrade", (req, socket, head) => {
      const feed = /^\/v2\/([a-z_]+)$/.exec(new URL(req.url ?? "/", "http://fake").pathname)?.[1];
      if (!feed || !FEEDS.has(feed)) {
        socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      fake.wss.handleUpgrade(req, socket, head, (ws) => fake.accept(ws, feed));
    });
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    const { port } = fake.server.address() as AddressInfo;
    fake.url = `http://127.0.0.1:${port}`;
    fake.streamUrl = `ws://127.0.0.1:${port}`;
    return fake;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Replaces the accepted keys (e.g. the operator fixed ALPACA_SECRET_KEY). */
  setKeys(keys: Record<string, string>): void {
    this.keys = { ...keys };
  }

  /** One trade in its own frame; returns performance.now() taken as the frame left the fake. */
  trade(ticker: string, price: string, size: number, time: string): number {
    return this.protocol.trades([{ ticker, price, size, time }]);
  }

  /** Several trades in one frame (one JSON array), as Alpaca batches them for throughput. */
  trades(list: readonly FakeTrade[]): number {
    return this.protocol.trades(list);
  }

  /** Any text frame, as is, to every authenticated session. */
  malformed(raw: string): void {
    this.protocol.raw(raw);
  }

  /** Cuts every open stream connection (no close frame), as a network drop would. */
  dropConnections(): void {
    for (const client of this.wss.clients) client.terminate();
  }

  /** Silent: sends nothing at all and answers no ping, until silence(false). */
  silence(on: boolean): void {
    this.protocol.silent = on;
  }

  openSessions(): FakeSession[] {
    return this.sessions.filter((s) => s.socket.readyState === s.socket.OPEN);
  }

  /** Resolves once `count` stream connections have been accepted in all. */
  connected(count = 1): Promise<void> {
    return this.until(() => this.sessions.length >= count);
  }

  /** Resolves once `count` sessions have authenticated in all. */
  authenticated(count = 1): Promise<void> {
    return this.until(() => this.sessions.filter((s) => s.authenticated).length >= count);
  }

  /** Resolves once an open session is subscribed to the ticker's trades. */
  subscribed(ticker: string): Promise<void> {
    return this.until(() => this.openSessions().some((s) => s.authenticated && s.trades.has(ticker)));
  }

  /** Resolves once no open session is subscribed to the ticker's trades. */
  unsubscribed(ticker: string): Promise<void> {
    return this.until(() => !this.openSessions().some((s) => s.trades.has(ticker)));
  }

  /** Resolves once the open sessions have been pinged `count` times in all (time passing, as the client sees it). */
  pinged(count: number): Promise<void> {
    return this.until(() => this.openSessions().reduce((n, s) => n + s.pings, 0) >= count);
  }

  /** Resolves once `count` stream connections have closed in all. */
  disconnected(count = 1): Promise<void> {
    return this.until(() => this.closedCount >= count);
  }

  private accept(ws: WebSocket, feed: string): void {
    const session: FakeSession = { id: this.sessions.length + 1, feed, keyId: undefined, authenticated: false, pings: 0, trades: new Set(), received: [], socket: ws };
    this.sessions.push(session);
    ws.on("error", () => {});
    ws.on("close", () => {
      this.closedCount++;
      this.changed();
    });
    this.protocol.open(session);
    this.changed();
  }

  private until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ check, resolve }));
  }

  private changed(): void {
    for (const waiter of this.waiters) {
      if (!waiter.check()) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }
}
