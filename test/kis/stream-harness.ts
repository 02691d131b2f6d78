import { EventEmitter } from "node:events";
import type { FeedStatusSink, Tick, TickSink } from "../../src/app/ports/market-data.js";
import { KisStream, type KisStreamOptions } from "../../src/adapters/market-data/kis/stream.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { KisWsFake } from "../support/kis-fake/ws-server.js";
import { APPS, startFake } from "./harness.js";

type StatusEvent = { kind: "live"; text: string } | { kind: "down"; text: string } | { kind: "refused"; ticker: string; text: string };

/** Records what the stream says about itself; tests await the next matching event. */
export class StatusRecorder extends EventEmitter implements FeedStatusSink {
  readonly events: StatusEvent[] = [];
  constructor() {
    super();
    this.setMaxListeners(0);
  }
  live(detail?: string): void {
    this.record({ kind: "live", text: detail ?? "" });
  }
  down(reason: string): void {
    this.record({ kind: "down", text: reason });
  }
  refused(ticker: string, reason: string): void {
    this.record({ kind: "refused", ticker, text: reason });
  }
  /** The next event of `kind` (from now on) whose text matches. */
  next(kind: StatusEvent["kind"], match: RegExp = /.*/): Promise<StatusEvent> {
    return new Promise((resolve) => {
      const on = (e: StatusEvent) => {
        if (e.kind !== kind || !match.test(e.text)) return;
        this.off("event", on);
        resolve(e);
      };
      this.on("event", on);
    });
  }
  private record(e: StatusEvent): void {
    this.events.push(e);
    this.emit("event", e);
  }
}

/** Collects ticks; `count(n)` resolves once n have arrived in total. */
export class TickRecorder extends EventEmitter implements TickSink {
  readonly ticks: Tick[] = [];
  push(tick: Tick): void {
    this.ticks.push(tick);
    this.emit("tick");
  }
  count(n: number): Promise<Tick[]> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.ticks.length < n) return;
        this.off("tick", check);
        resolve(this.ticks);
      };
      this.on("tick", check);
      check();
    });
  }
}

export interface StreamWorld {
  rest: KisFake;
  ws: KisWsFake;
  status: StatusRecorder;
  sink: TickRecorder;
  stream: KisStream;
  close(): Promise<void>;
}

/** The REST fake (approval keys), the WebSocket fake and a KisStream on the real account against them. */
export async function streamWorld(o: Partial<KisStreamOptions> = {}, wsLimit?: number): Promise<StreamWorld> {
  const rest = await startFake();
  const ws = await KisWsFake.start({ approvalValid: (k) => rest.approvalKeyValid(k), limit: wsLimit });
  const stream = new KisStream({ env: "real", appKey: "REALKEY0001", appSecret: APPS.REALKEY0001.secret, baseUrl: rest.url, wsUrl: ws.url, silenceMs: 10_000, backoffMs: 5, maxBackoffMs: 50, ...o });
  const status = new StatusRecorder();
  const sink = new TickRecorder();
  return {
    rest,
    ws,
    status,
    sink,
    stream,
    async close() {
      await stream.stop();
      await ws.close();
      await rest.close();
    },
  };
}

export function tickers(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `T${String(i).padStart(3, "0")}`);
}
