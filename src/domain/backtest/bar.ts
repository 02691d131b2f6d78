import type { Dec } from "../decimal.js";
import { isIsoDate } from "../market-time.js";

/**
 * The inputs every backtest execution rule shares: one daily bar, and the checks that turn bad
 * input (a CSV row with low above high, a negative price, a fractional quantity) into one clear
 * error instead of a fill computed from nonsense.
 */

/** One daily bar as the backtest sees it: a trading day and its four prices. */
export interface BacktestBar {
  /** The trading day, YYYY-MM-DD. */
  date: string;
  open: Dec;
  high: Dec;
  low: Dec;
  close: Dec;
}

/**
 * Bad input to the execution model. A RangeError, as the desk's accounting throws, so a caller
 * that already reports RangeErrors as operator errors reports these too; the message alone says
 * what was wrong and where.
 */
export class BacktestInputError extends RangeError {
  override name = "BacktestInputError";
}

/** A price that is a finite, strictly positive decimal. */
export function requirePositivePrice(value: Dec, what: string): void {
  if (!value.isFinite() || !value.isPositive() || value.isZero()) {
    throw new BacktestInputError(`${what} must be a positive price, got ${value.toString()}`);
  }
}

/** A whole, positive number of shares (the desk trades whole shares only). */
export function requireQuantity(quantity: number, what = "quantity"): void {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    throw new BacktestInputError(`${what} must be a positive whole number of shares, got ${String(quantity)}`);
  }
}

/** A real YYYY-MM-DD date. */
export function requireDate(value: string, what: string): void {
  if (!isIsoDate(value)) throw new BacktestInputError(`${what} must be a date written YYYY-MM-DD, got "${value}"`);
}

/**
 * Checks a bar is internally consistent: a real date, positive prices, low <= high, and open and
 * close inside [low, high]. A bar that fails would let a stop or a limit "fill" at a price the
 * market never traded, so it is refused, naming the bar.
 */
export function validateBar(bar: BacktestBar): void {
  requireDate(bar.date, "bar date");
  for (const field of ["open", "high", "low", "close"] as const) {
    requirePositivePrice(bar[field], `${bar.date} ${field}`);
  }
  if (bar.low.gt(bar.high)) {
    throw new BacktestInputError(`${bar.date} bar has low ${bar.low.toString()} above high ${bar.high.toString()}`);
  }
  for (const field of ["open", "close"] as const) {
    if (bar[field].lt(bar.low) || bar[field].gt(bar.high)) {
      throw new BacktestInputError(
        `${bar.date} bar has ${field} ${bar[field].toString()} outside its range ${bar.low.toString()}..${bar.high.toString()}`,
      );
    }
  }
}

/** A price for a report line: at least 2 places, more only when the price has them (81.2 -> "81.20", 81.1594 -> "81.1594"). */
export function showPrice(value: Dec): string {
  return value.decimalPlaces() <= 2 ? value.toFixed(2) : value.toFixed();
}
