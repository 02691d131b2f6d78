import { DateTime } from "luxon";
import type { MarketCalendar } from "../../domain/market-calendar.js";
import { dailyBarTime } from "../../domain/market-time.js";
import type { PriceBar } from "../../domain/prices.js";
import { cleanText } from "../../domain/text.js";
import type { Clock } from "../ports/clock.js";
import type { PriceHistory } from "../ports/market-data.js";
import type { PriceStore } from "../ports/price-store.js";
import { mapBounded } from "../map-bounded.js";

/** The part of a (pino) logger the backfill uses. */
export interface BackfillLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface BackfillDeps {
  history: PriceHistory;
  prices: Pick<PriceStore, "followedTickers" | "storedTimes" | "upsert">;
  calendar: MarketCalendar;
  clock: Clock;
  log: BackfillLog;
}

export interface BackfillOptions {
  /** Trading days of daily bars each followed ticker should have (MARKET_BACKFILL_DAYS). */
  days: number;
  /** The configured watchlist; held and working-order tickers are added by the store. */
  watchlist: readonly string[];
  /** Tickers fetched at the same time; small, to stay a polite client of the provider. */
  concurrency?: number;
}

/** What happened to one ticker. */
export type TickerBackfill =
  /** Every daily bar of the window was already stored: the provider was not asked. */
  | { ticker: string; outcome: "current" }
  /** The provider has no daily bars for it (an unknown ticker, or one it does not cover). */
  | { ticker: string; outcome: "none"; requested: number }
  | {
      ticker: string;
      outcome: "stored";
      /** Trading days asked for: from the oldest missing day of the window to the newest. */
      requested: number;
      fetched: number;
      /** Bars written (new or refreshed). */
      stored: number;
      /** Of those, rows that did not exist before. */
      inserted: number;
      /** Bars refused as malformed (wrong ticker or stamp, impossible prices). */
      rejected: number;
      /** Bars of a session not yet completed (today's while it is open). */
      dropped: number;
    }
  | { ticker: string; outcome: "failed"; error: string };

export interface BackfillResult {
  /** The last completed trading day: the newest daily bar there can be. */
  through: string;
  tickers: TickerBackfill[];
}

const DEFAULT_CONCURRENCY = 3;
/** Above numeric(20,6): such a bar would fail the whole batch in the database. */
const PRICE_CEILING = "1e14";
const ERROR_CHARS = 300;

/**
 * The newest trading day whose regular session has closed by `at`: today once the closing bell
 * has rung, otherwise the trading day before (today's session, open or still to come, has no
 * daily bar yet).
 */
export function lastCompletedTradingDay(calendar: MarketCalendar, at: Date): string {
  const today = DateTime.fromJSDate(at, { zone: calendar.timeZone }).toISODate();
  if (!today) throw new RangeError(`${String(at)} is not a valid instant`);
  const session = calendar.session(today);
  return session && session.close <= at ? today : calendar.previousTradingDay(today);
}

/**
 * Daily history for every followed ticker (held, working orders, watchlist): the `days` trading
 * days ending on the last completed one. A ticker whose window is already stored whole (a row at
 * each day's daily-bar time) is not fetched again; otherwise the provider is asked from the
 * oldest missing day on and the bars are upserted (idempotent). One ticker failing costs only
 * that ticker; when every ticker fails (the provider or the database is down) the run throws,
 * so the job is retried.
 */
export async function backfillHistory(deps: BackfillDeps, options: BackfillOptions): Promise<BackfillResult> {
  if (!Number.isInteger(options.days) || options.days < 1) throw new RangeError(`days must be a whole number of at least 1, got ${options.days}`);
  const { calendar } = deps;
  const through = lastCompletedTradingDay(calendar, deps.clock.now());
  // Newest first; the same window for every ticker.
  const window = [through];
  while (window.length < options.days) window.push(calendar.previousTradingDay(window.at(-1)!));
  const stamps = window.map((day) => dailyBarTime(day, calendar.timeZone));
  // The newest day's own daily-bar time: later than its close (even an early close), so a
  // provider asked for bars "on or before" it includes that day.
  const until = stamps[0]!;

  const tickers = await deps.prices.followedTickers(options.watchlist);
  const results = await mapBounded(tickers, options.concurrency ?? DEFAULT_CONCURRENCY, async (ticker): Promise<TickerBackfill> => {
    try {
      const stored = new Set((await deps.prices.storedTimes(ticker, stamps)).map((t) => t.getTime()));
      const oldestMissing = stamps.findLastIndex((stamp) => !stored.has(stamp.getTime()));
      if (oldestMissing < 0) return { ticker, outcome: "current" };
      const requested = oldestMissing + 1;
      const bars = await deps.history.dailyBars(ticker, requested, until);
      if (bars.length === 0) return { ticker, outcome: "none", requested };
      const { good, rejected, dropped, reasons } = sortBars(bars, ticker, through, calendar.timeZone);
      if (rejected > 0) deps.log.warn({ ticker, provider: deps.history.name, rejected, examples: reasons }, "malformed daily bars dropped");
      const written = good.length > 0 ? await deps.prices.upsert(good, "update") : { inserted: 0, existing: 0 };
      return { ticker, outcome: "stored", requested, fetched: bars.length, stored: good.length, inserted: written.inserted, rejected, dropped };
    } catch (error) {
      const text = cleanText(error instanceof Error ? error.message : String(error), { maxChars: ERROR_CHARS });
      deps.log.warn({ ticker, provider: deps.history.name, err: text }, "daily history not backfilled");
      return { ticker, outcome: "failed", error: text || "unknown error" };
    }
  });

  const count = (outcome: TickerBackfill["outcome"]) => results.filter((r) => r.outcome === outcome).length;
  const summary = { provider: deps.history.name, through, days: options.days, tickers: results.length, current: count("current"), stored: count("stored"), none: count("none"), failed: count("failed") };
  if (results.length > 0 && summary.failed === results.length) {
    const first = results[0] as Extract<TickerBackfill, { outcome: "failed" }>;
    throw new Error(`daily history backfill failed for every ticker (${results.length}); ${first.ticker}: ${first.error}`);
  }
  deps.log.info(summary, "daily history backfilled");
  return { through, tickers: results };
}

/**
 * A provider's answer sorted: bars worth storing; malformed ones counted (with a few reasons for
 * the log); bars dated after `through` (a session not yet completed) dropped.
 */
export function sortBars(bars: readonly PriceBar[], ticker: string, through: string, timeZone: string) {
  const good: PriceBar[] = [];
  const reasons: string[] = [];
  let rejected = 0;
  let dropped = 0;
  for (const bar of bars) {
    const problem = dailyBarProblem(bar, ticker, timeZone);
    if (problem) {
      rejected += 1;
      if (reasons.length < 3) reasons.push(problem);
    } else if (DateTime.fromJSDate(bar.time, { zone: timeZone }).toISODate()! > through) {
      dropped += 1;
    } else {
      good.push(bar);
    }
  }
  return { good, rejected, dropped, reasons };
}

/**
 * Why a provider's daily bar cannot be stored, or undefined when it can: it must be the asked
 * ticker's, stamped at its date's daily-bar time (what dailyCloses and the backfill's own check
 * rely on), with positive prices that fit the column and low <= open, close <= high.
 */
export function dailyBarProblem(bar: PriceBar, ticker: string, timeZone: string): string | undefined {
  if (bar.ticker !== ticker) return `ticker "${cleanText(String(bar.ticker), { maxChars: 20 })}" is not ${ticker}`;
  if (!(bar.time instanceof Date) || Number.isNaN(bar.time.getTime())) return "no valid time";
  const date = DateTime.fromJSDate(bar.time, { zone: timeZone }).toISODate()!;
  if (bar.time.getTime() !== dailyBarTime(date, timeZone).getTime()) return `${bar.time.toISOString()} is not the daily-bar time of ${date}`;
  const prices = { open: bar.open, high: bar.high, low: bar.low, close: bar.close };
  for (const [name, value] of Object.entries(prices)) {
    if (!value?.isFinite() || value.lte(0) || value.gte(PRICE_CEILING)) return `${date}: ${name} ${String(value)} is not a price`;
  }
  if (bar.adjClose !== null && (!bar.adjClose.isFinite() || bar.adjClose.lte(0) || bar.adjClose.gte(PRICE_CEILING))) return `${date}: adjusted close ${bar.adjClose.toString()} is not a price`;
  if (bar.low.gt(bar.open) || bar.low.gt(bar.close) || bar.high.lt(bar.open) || bar.high.lt(bar.close)) {
    return `${date}: open ${bar.open.toString()} and close ${bar.close.toString()} must lie within low ${bar.low.toString()} .. high ${bar.high.toString()}`;
  }
  if (typeof bar.volume !== "bigint" || bar.volume < 0n) return `${date}: volume ${String(bar.volume)} is not a share count`;
  return undefined;
}
