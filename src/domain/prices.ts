import type { Dec } from "./decimal.js";

/** One OHLCV bar (or a quote, where open = high = low = close). */
export interface PriceBar {
  ticker: string;
  time: Date;
  open: Dec;
  high: Dec;
  low: Dec;
  close: Dec;
  adjClose: Dec | null;
  /** Whole shares, kept as a bigint: exact at any size. */
  volume: bigint;
  source: string;
}

export interface LatestPrice {
  ticker: string;
  time: Date;
  close: Dec;
}
