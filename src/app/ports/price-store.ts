import type { LatestPrice, PriceBar } from "../../domain/prices.js";

export interface UpsertResult {
  inserted: number;
  /** Rows that already existed: updated with "update", left alone with "ignore". */
  existing: number;
}

export interface PriceStore {
  /** The newest price of a ticker, or undefined when there is none. Never cached: risk checks use it. */
  latest(ticker: string): Promise<LatestPrice | undefined>;
  /** The newest price of each ticker, in one query; tickers without prices are absent from the map. */
  latestMany(tickers: readonly string[]): Promise<Map<string, LatestPrice>>;
  /**
   * Writes bars in multi-row batches. "update" overwrites a bar at the same (ticker, time)
   * (quotes refining a bar); "ignore" keeps the stored one (re-importing a file).
   */
  upsert(bars: readonly PriceBar[], onConflict: "update" | "ignore"): Promise<UpsertResult>;
  /**
   * The tickers a feed must follow: every held position and every working order first (held
   * first, so a provider with a subscription limit drops watched tickers before held ones),
   * then the watchlist; upper-case, no repeats.
   */
  followedTickers(watchlist: readonly string[]): Promise<string[]>;
  /**
   * Which of these instants already hold a row of the ticker (one primary-key probe each). The
   * history backfill asks it of the daily-bar times of its window to skip what is stored.
   */
  storedTimes(ticker: string, times: readonly Date[]): Promise<Date[]>;
  /**
   * Stores a feed's intraday bars (one per ticker and exchange minute, oldest first per ticker):
   * a bar merges into the stored bar of its ticker, source and minute, whose time moves on to the
   * newer trade, so a live feed keeps one row per ticker and minute and the newest row's time is
   * always the newest trade's. All bars commit together or not at all.
   */
  recordTicks(bars: readonly PriceBar[]): Promise<void>;
}
