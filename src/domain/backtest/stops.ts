import type { Dec } from "../decimal.js";
import { type BacktestBar, requirePositivePrice, requireQuantity, showPrice, validateBar } from "./bar.js";
import { type BacktestFill, type CostModel, priceFill, validateCosts } from "./costs.js";

/**
 * A long position's stop-loss against one daily bar, as a resting sell-stop order behaves:
 *
 * - the bar opens below the stop (a gap through it): the stop order triggers at the open and
 *   fills there, moved by slippage, never at the stop; a bar that opens below the stop and later
 *   recovers above it still filled at the open, since the order was gone by then;
 * - otherwise the bar's low reaches the stop (touching counts; an open exactly at the stop is
 *   an intraday hit at the stop): it fills at the stop, moved by slippage;
 * - otherwise the stop holds.
 *
 * Checking the low, not the close, is the point: a close-only check lets a "5%" stop realise
 * -15% on a bad day, and filling a gap at the stop books a price the market never offered.
 */

export interface StopPosition {
  /** Whole shares held, > 0; the stop sells them all. */
  quantity: number;
  /** The stop price. */
  stop: Dec;
}

/** How a stop exit was priced: at the stop, or at the open of a bar that gapped through it. */
export type StopHitKind = "intraday" | "gap";

export type StopCheck =
  | { hit: false; date: string; stop: Dec }
  | { hit: true; kind: StopHitKind; stop: Dec; fill: BacktestFill };

/**
 * Checks the stop of a long position against `bar`. Throws BacktestInputError for a bad bar,
 * stop, quantity or cost model.
 */
export function checkStop(position: StopPosition, bar: BacktestBar, costs: CostModel): StopCheck {
  requireQuantity(position.quantity, "stopped quantity");
  requirePositivePrice(position.stop, "stop");
  validateBar(bar);
  validateCosts(costs);

  const base = { date: bar.date, side: "SELL" as const, quantity: position.quantity, costs, slipped: true };
  if (bar.open.lt(position.stop)) {
    return { hit: true, kind: "gap", stop: position.stop, fill: priceFill({ ...base, reference: "open", referencePrice: bar.open }) };
  }
  if (bar.low.lte(position.stop)) {
    return { hit: true, kind: "intraday", stop: position.stop, fill: priceFill({ ...base, reference: "stop", referencePrice: position.stop }) };
  }
  return { hit: false, date: bar.date, stop: position.stop };
}

/**
 * One report line for a stop check: "stop gapped: filled at open 81.20 vs stop 95.00",
 * "stop hit: filled at stop 95.00", each with the price after slippage when slippage moved it;
 * "stop 95.00 held" otherwise.
 */
export function describeStop(check: StopCheck): string {
  if (!check.hit) return `${check.date}: stop ${showPrice(check.stop)} held`;
  const { fill } = check;
  const afterSlippage = fill.price.eq(fill.referencePrice) ? "" : ` (${showPrice(fill.price)} after slippage)`;
  if (check.kind === "gap") {
    return `${fill.date}: stop gapped: filled at open ${showPrice(fill.referencePrice)}${afterSlippage} vs stop ${showPrice(check.stop)}`;
  }
  return `${fill.date}: stop hit: filled at stop ${showPrice(check.stop)}${afterSlippage}`;
}
