import type { FeedStatusSink, Tick, TickSink } from "../../src/app/ports/market-data.js";
import { AlpacaStream, type AlpacaStreamOptions } from "../../src/adapters/market-data/alpaca/stream.js";
import { AlpacaFake, type AlpacaFakeOptions } from "../support/alpaca-fake/server.js";

export const KEY_ID = "PKTEST0000000001";
export const SECRET = "alpaca-test-secret-0001";

export function startFake(o: Partial<AlpacaFakeOptions> = {}): Promise<AlpacaFake> {
  return AlpacaFake.start({ keys: { [KEY_ID]: SECRET }, ...o });
}

/** A stream against the fake with tiny back-off, so reconnects happen at once. */
export function streamFor(fake: AlpacaFake, o: Partial<AlpacaStreamOptions> = {}): AlpacaStream {
  return new AlpacaStream({ keyId: KEY_ID, secretKey: SECRET, feed: "iex", streamUrl: fake.streamUrl, silenceMs: 2000, backoffMs: 5, maxBackoffMs: 40, ...o });
}

export type StatusEvent = { kind: "live"; detail: string } | { kind: "down"; reason: string } | { kind: "refused"; ticker: string; reason: string };

/** The desk's side, recorded: every tick and every status call, each awaitable. */
export class Recorder implements TickSink, FeedStatusSink {
  readonly ticks: Tick[] = [];
  readonly events: StatusEvent[] = [];
  private readonly waiters = new Set<{ check: () => boolean; resolve: () => void }>();

  push(tick: Tick): void {
    this.ticks.push(tick);
    this.changed();
  }

  live(detail?: string): void {
    this.events.push({ kind: "live", detail: detail ?? "" });
    this.changed();
  }

  down(reason: string): void {
    this.events.push({ kind: "down", reason });
    this.changed();
  }

  refused(ticker: string, reason: string): void {
    this.events.push({ kind: "refused", ticker, reason });
    this.changed();
  }

  /** Where the events stand now: pass it to `next` to wait only for what comes after. */
  mark(): number {
    return this.events.length;
  }

  /** The first event of this kind at or after `from`. */
  async next<K extends StatusEvent["kind"]>(kind: K, from = 0): Promise<Extract<StatusEvent, { kind: K }>> {
    const find = () => this.events.slice(from).find((e) => e.kind === kind) as Extract<StatusEvent, { kind: K }> | undefined;
    await this.until(() => find() !== undefined);
    return find()!;
  }

  ticksAtLeast(count: number): Promise<void> {
    return this.until(() => this.ticks.length >= count);
  }

  refusedTickers(): string[] {
    return this.events.flatMap((e) => (e.kind === "refused" ? [e.ticker] : []));
  }

  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ check, resolve }));
  }

  private changed(): void {
    for (const w of this.waiters) {
      if (!w.check()) continue;
      this.waiters.delete(w);
      w.resolve();
    }
  }
}

/** Timers alive in this process (what would keep it from exiting). */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
}
