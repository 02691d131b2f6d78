import type { Dec } from "../../domain/decimal.js";
import { coalesce, requeueOlder, timeTick, toPriceBar, type PendingBar } from "../../domain/tick-coalescing.js";
import { TICKER_PATTERN } from "../../domain/vocabulary.js";
import type { StopLossDeps } from "../orders/stop-loss-scan.js";
import { PriceReactions, type CheckedBatch, type PriceMove } from "./price-reactions.js";
import type { Tick, TickSink } from "../ports/market-data.js";
import type { PriceStore } from "../ports/price-store.js";

export interface TickPipelineDeps {
  prices: PriceStore;
  /** The order path with the stop-loss source: the kill switch, stops and resting limits run per batch. */
  execution: StopLossDeps;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Stops and resting limits are acted on outside exchange hours too (the replay keeps its own clock). */
  alwaysOpen?: boolean;
  /** Accounts checked at once besides the urgent lane (default 4). */
  checkConcurrency?: number;
  /** A tick stamped further than this ahead of our clock is stored at our clock's time (default 2 s). */
  aheadToleranceMs?: number;
  /** Wait before retrying a batch that could not be stored (default 1 s). */
  retryMs?: number;
}

/** A batch of bars stored (one statement). */
export interface StoredBatch {
  kind: "stored";
  bars: number;
  ticks: number;
  /** Per stored bar: the ticker, its newest trade and when its first tick was received (ms, performance clock). */
  stored: { ticker: string; source: string; time: Date; close: Dec; firstReceivedAt: number }[];
  storedAt: number;
}

export type { CheckedBatch } from "./price-reactions.js";
export type PipelineEvent = StoredBatch | CheckedBatch;

export interface TickPipelineStats {
  received: number;
  rejected: number;
  late: number;
  ahead: number;
  /** Trades outside the regular session (pre- and after-market), not stored: see push(). */
  outsideSession: number;
  /** The largest lead of a provider's clock over ours seen, in ms. */
  maxAheadMs: number;
  stored: number;
  batches: number;
  failedBatches: number;
}

/**
 * One pipeline for every feed, streaming or polled, in two stages that each run one batch at a
 * time. Storing: ticks are coalesced per ticker and minute while a batch is in flight, then each
 * batch is stored in one statement. Checking: the tickers stored since the last check are taken
 * together, every account holding one of them is re-evaluated by the kill switch (a loss halts
 * on the tick that shows it), their stops are checked and resting paper limits they reach are
 * filled. A slow check never holds up storing, and a burst makes the next batch bigger, never a
 * queue: a busy ticker cannot starve the others, and the newest tick is never dropped.
 */
export class TickPipeline implements TickSink {
  readonly stats: TickPipelineStats = { received: 0, rejected: 0, late: 0, ahead: 0, outsideSession: 0, maxAheadMs: 0, stored: 0, batches: 0, failedBatches: 0 };
  private pending = new Map<string, PendingBar[]>();
  private readonly newestStored = new Map<string, { time: number; close: Dec }>();
  private readonly reactions: PriceReactions;
  private storing: Promise<void> | undefined;
  private stopped = false;
  private cancelRetry: () => void = () => undefined;
  private readonly listeners = new Set<(event: PipelineEvent) => void>();
  private sessionMinute = -1;
  private sessionOpen = false;

  constructor(private readonly deps: TickPipelineDeps) {
    this.reactions = new PriceReactions({ execution: deps.execution, log: deps.log, emit: (e) => this.emit(e), ...(deps.alwaysOpen ? { alwaysOpen: true } : {}), ...(deps.checkConcurrency ? { concurrency: deps.checkConcurrency } : {}) });
  }

  push(tick: Tick): void {
    if (this.stopped) return;
    this.stats.received += 1;
    const now = this.deps.execution.killSwitch.clock.now().getTime();
    if (!TICKER_PATTERN.test(tick.ticker) || !tick.price.isFinite() || tick.price.lte(0) || tick.size < 0n || Number.isNaN(tick.time.getTime())) {
      this.stats.rejected += 1;
      return;
    }
    const timing = timeTick(tick.time, now, this.newestStored.get(tick.ticker)?.time, this.deps.aheadToleranceMs ?? 2000);
    if (timing.kind === "late") {
      this.stats.late += 1;
      return;
    }
    // Regular-session trades only: the day's close stays the official one, and the kill switch
    // judges the account on the prices it can trade at (extended hours are not traded here).
    if (!this.deps.alwaysOpen && !this.inSession(timing.time)) {
      this.stats.outsideSession += 1;
      return;
    }
    if (timing.kind === "ahead") {
      this.stats.ahead += 1;
      this.stats.maxAheadMs = Math.max(this.stats.maxAheadMs, timing.aheadMs);
    }
    const bars = this.pending.get(tick.ticker) ?? [];
    coalesce(bars, { ...tick, time: timing.time }, performance.now());
    this.pending.set(tick.ticker, bars);
    this.kickStore();
  }

  /** Calls `listener` after each stored batch and each check (the feed monitor, metrics, a poll, the benchmark); returns the unsubscribe. */
  observe(listener: (event: PipelineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every tick pushed so far has been stored and checked (it waits out a PostgreSQL outage). */
  async drained(): Promise<void> {
    while (this.storing) await this.storing;
    await this.reactions.idle();
    if (this.storing) await this.drained();
  }

  /** No more ticks are taken; waits for the batches in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelRetry();
    await this.drained();
  }

  /** The calendar's answer, kept for the minute: a burst asks it once, not per trade. */
  private inSession(time: Date): boolean {
    const minute = Math.floor(time.getTime() / 60_000);
    if (minute !== this.sessionMinute) {
      this.sessionMinute = minute;
      this.sessionOpen = this.deps.execution.killSwitch.calendar.isMarketOpen(new Date(minute * 60_000));
    }
    return this.sessionOpen;
  }

  private kickStore(): void {
    if (this.storing || this.stopped || this.pending.size === 0) return;
    this.storing = this.storeLoop().finally(() => {
      this.storing = undefined;
      this.kickStore();
    });
  }

  private async storeLoop(): Promise<void> {
    // Let the ticks of the current frame (a provider sends several at once) join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.size > 0 && !this.stopped) {
      const batch = this.pending;
      this.pending = new Map();
      if (await this.store(batch)) continue;
      this.requeue(batch);
      // PostgreSQL is failing: wait a moment (stop() cuts the wait short) and try again with whatever is newest.
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.deps.retryMs ?? 1000);
        this.cancelRetry = resolve;
      });
      clearTimeout(timer);
    }
  }

  /** A batch that could not be stored goes back, merged under the ticks that arrived since (which are newer). */
  private requeue(batch: Map<string, PendingBar[]>): void {
    for (const [ticker, bars] of batch) {
      const newer = this.pending.get(ticker) ?? [];
      for (const older of bars) requeueOlder(newer, older);
      this.pending.set(ticker, newer);
    }
  }

  private async store(batch: Map<string, PendingBar[]>): Promise<boolean> {
    const pending = uniqueInstants([...batch.values()].flat());
    const bars = pending.map(toPriceBar);
    try {
      await this.deps.prices.recordTicks(bars);
    } catch (error) {
      this.stats.failedBatches += 1;
      this.deps.log.error({ err: message(error), bars: bars.length }, "ticks could not be stored; retrying (the newest tick of each ticker is kept)");
      return false;
    }
    const storedAt = performance.now();
    this.stats.batches += 1;
    this.stats.stored += bars.length;
    const moves = new Map<string, PriceMove>();
    for (const bar of bars) {
      const before = this.newestStored.get(bar.ticker);
      if ((before?.time ?? -Infinity) > bar.time.getTime()) continue;
      this.newestStored.set(bar.ticker, { time: bar.time.getTime(), close: bar.close });
      moves.set(bar.ticker, { ticker: bar.ticker, close: bar.close, previous: moves.get(bar.ticker)?.previous ?? before?.close });
    }
    this.reactions.priced([...moves.values()]);
    this.emit({
      kind: "stored",
      bars: bars.length,
      ticks: pending.reduce((n, b) => n + b.ticks, 0),
      stored: pending.map((b) => ({ ticker: b.ticker, source: b.source, time: b.time, close: b.close, firstReceivedAt: b.firstReceivedAt })),
      storedAt,
    });
    return true;
  }

  private emit(event: PipelineEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.deps.log.warn({ err: message(error) }, "a tick pipeline listener failed");
      }
    }
  }
}

/** Two sources reporting one ticker at the same instant would hit one row twice in one statement: the first wins. */
function uniqueInstants(bars: PendingBar[]): PendingBar[] {
  const seen = new Set<string>();
  return bars.filter((b) => {
    const key = `${b.ticker}\u0000${b.time.getTime()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
