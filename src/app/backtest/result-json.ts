import type { BacktestReport } from "./run-backtest.js";

/** Names the JSON's shape, so a reader can refuse one it does not know. */
export const BACKTEST_JSON_FORMAT = "war-room-backtest/1";

/**
 * The whole result as JSON: every fill, refusal, halt and day. Decimals are exact strings
 * (decimal.js's toJSON), never numbers, so a reader recomputes to the last digit; days are
 * YYYY-MM-DD.
 */
export function backtestJson(report: BacktestReport): string {
  return JSON.stringify({ format: BACKTEST_JSON_FORMAT, ...report }, null, 1);
}
