import { cleanText, cutText } from "../../domain/text.js";
import { FEED_REPORT_EVERY_SECONDS, type FeedReport, type FeedState } from "../../domain/feed-health.js";
import type { Clock } from "../ports/clock.js";
import type { FeedStatusSink } from "../ports/market-data.js";
import type { FeedStore } from "../ports/feed-store.js";
import type { PipelineEvent } from "./tick-pipeline.js";

const REASON_LIMIT = 300;

/**
 * What a feed says about itself, kept for this process and reported to PostgreSQL at once on
 * every change of state and every FEED_REPORT_EVERY_SECONDS otherwise; the watchdog of every
 * process alerts from those reports, and a report that stops coming means this process died.
 */
export class FeedMonitor implements FeedStatusSink {
  private r: FeedReport;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: { store: FeedStore; clock: Clock; log: { info(o: object, m: string): void; warn(o: object, m: string): void } },
    name: string,
  ) {
    const now = deps.clock.now();
    this.r = { name, state: "connecting", reason: "", since: now, followed: 0, refused: {}, lastTickAt: null, lastTickTicker: null, ticks: 0, reportedAt: now };
  }

  /** Starts the periodic report; the first one is written at once. */
  start(): void {
    void this.write();
    this.timer = setInterval(() => void this.write(), FEED_REPORT_EVERY_SECONDS * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.writing;
  }

  live(detail?: string): void {
    this.transition("live", detail ?? "");
  }

  down(reason: string): void {
    this.transition("down", reason);
  }

  refused(ticker: string, reason: string): void {
    this.r = { ...this.r, refused: { ...this.r.refused, [cutText(cleanText(ticker), 12)]: cutText(cleanText(reason), REASON_LIMIT) } };
    this.deps.log.warn({ feed: this.r.name, ticker, reason }, "the feed does not stream this ticker");
  }

  /** The tickers the feed is asked to follow; refusals of tickers no longer followed are forgotten. */
  following(tickers: readonly string[]): void {
    const kept = Object.fromEntries(Object.entries(this.r.refused).filter(([t]) => tickers.includes(t)));
    this.r = { ...this.r, followed: tickers.length, refused: kept };
  }

  /** Called by the tick pipeline after each stored batch (one feed per process feeds it). */
  observe(batch: PipelineEvent): void {
    if (batch.kind !== "stored" || batch.stored.length === 0) return;
    const newest = batch.stored.reduce((a, b) => (b.time > a.time ? b : a));
    if (!this.r.lastTickAt || newest.time >= this.r.lastTickAt) this.r = { ...this.r, lastTickAt: newest.time, lastTickTicker: newest.ticker };
    this.r = { ...this.r, ticks: this.r.ticks + batch.ticks };
  }

  private transition(state: FeedState, reason: string): void {
    const clean = cutText(cleanText(reason), REASON_LIMIT);
    if (this.r.state === state && this.r.reason === clean) return;
    const changed = this.r.state !== state;
    this.r = { ...this.r, state, reason: clean, since: changed ? this.deps.clock.now() : this.r.since };
    if (state === "down") this.deps.log.warn({ feed: this.r.name, reason: clean }, "market-data feed down");
    else this.deps.log.info({ feed: this.r.name, detail: clean }, `market-data feed ${state}`);
    void this.write();
  }

  /** Writes are chained so that an older report never lands after a newer one. */
  private write(): Promise<void> {
    this.writing = this.writing.then(async () => {
      try {
        await this.deps.store.report({ ...this.r, reportedAt: this.deps.clock.now() });
      } catch (error) {
        this.deps.log.warn({ feed: this.r.name, err: error instanceof Error ? error.message : String(error) }, "the feed's state could not be recorded");
      }
    });
    return this.writing;
  }
}
