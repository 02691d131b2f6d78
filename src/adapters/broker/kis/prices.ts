import { Dec } from "../../../domain/decimal.js";
import type { Side } from "../../../domain/vocabulary.js";

/** KIS price string: 2 decimals, or 4 under $1. */
export function priceDecimals(price: Dec): number {
  return price.lt(1) ? 4 : 2;
}

/**
 * A limit price as KIS wants it, rounded in the safe direction for the side: a BUY limit is
 * rounded down (never pay more than asked), a SELL limit up (never sell for less).
 */
export function formatLimit(side: Side, price: Dec): string {
  const dp = priceDecimals(price);
  return price.toDecimalPlaces(dp, side === "BUY" ? Dec.ROUND_DOWN : Dec.ROUND_UP).toFixed(dp);
}

/**
 * The marketable limit that stands in for a market order: the last price plus (BUY) or minus
 * (SELL) the collar, rounded to the tick in the safe direction (BUY down, SELL up) so the
 * price never goes beyond the collar; with a 1% collar it still crosses the last price.
 */
export function marketableLimit(side: Side, last: Dec, collarPct: number): string {
  const factor = new Dec(collarPct).div(100);
  const raw = side === "BUY" ? last.times(new Dec(1).plus(factor)) : last.times(new Dec(1).minus(factor));
  return formatLimit(side, raw);
}

/** A KIS number string (maybe padded with spaces) as a Dec, or undefined when blank/invalid. */
export function parseNumber(v: unknown): Dec | undefined {
  if (typeof v !== "string" && typeof v !== "number") return undefined;
  const t = String(v).replace(/\s+/g, "").replace(/,/g, "");
  if (!/^[+-]?\d+(\.\d+)?$/.test(t)) return undefined;
  return new Dec(t);
}
