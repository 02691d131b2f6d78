import type { Dec } from "../decimal.js";
import type { Side } from "../vocabulary.js";
import { type BacktestBar, BacktestInputError, requireDate, requirePositivePrice, requireQuantity, showPrice, validateBar } from "./bar.js";
import { type BacktestFill, type CostModel, priceFill, validateCosts } from "./costs.js";

/**
 * When and at what price an order decided on bar t fills. The rule that keeps a backtest free of
 * look-ahead: a decision made from bar t's close can only trade on a later bar, so it is offered
 * to bar t+1 (the caller passes that bar; its date must come after the decision).
 *
 * - A market order fills at bar t+1's open, moved against the trade by the slippage.
 * - A limit order fills when bar t+1 reaches it. When the bar opens through the limit (a BUY
 *   limit at or above the open, a SELL limit at or below it) it fills at the open with slippage,
 *   never worse than the limit. When only the bar's range reaches it (a BUY limit at or above
 *   the low, a SELL limit at or below the high) it fills at the limit itself: touching counts,
 *   and a resting limit gets its price, no slippage.
 * - Otherwise nothing fills and the answer says why. A limit the bar did not reach may rest: the
 *   caller offers the same order to the following bar (this function is stateless).
 *
 * Commission and rounding are costs.ts's: commission and gross each to the cent, half-up.
 *
 * A BUY may carry the protective stop to arm once it fills; it is passed through unchanged. The
 * stop guards the rest of the fill bar too (a next-open fill happens before the bar's low), so a
 * caller checks it with stops.ts on the fill bar as well as on every later bar.
 */

export interface BacktestOrder {
  /** The trading day of bar t, the bar whose close produced the decision. */
  decidedOn: string;
  side: Side;
  /** Whole shares, > 0. */
  quantity: number;
  /** A limit price; absent for a market order. */
  limit?: Dec;
  /** A BUY's protective stop, armed once it fills; below the limit when both are given. */
  stop?: Dec;
}

/** How a filled order was priced. */
export type FillRule = "next-open" | "limit-at-open" | "limit-crossed";

export type NoFillReason = "no-next-bar" | "limit-not-reached";

export type ExecutionOutcome =
  | { filled: true; rule: FillRule; fill: BacktestFill; stop: Dec | null }
  | { filled: false; reason: NoFillReason; date: string | null; detail: string };

function validateOrder(order: BacktestOrder): void {
  requireDate(order.decidedOn, "order decision date");
  if (order.side !== "BUY" && order.side !== "SELL") {
    throw new BacktestInputError(`order side must be BUY or SELL, got ${String(order.side)}`);
  }
  requireQuantity(order.quantity, `${order.side} quantity`);
  if (order.limit !== undefined) requirePositivePrice(order.limit, `${order.side} limit`);
  if (order.stop !== undefined) {
    if (order.side !== "BUY") throw new BacktestInputError("only a BUY carries a protective stop (the desk is long only)");
    requirePositivePrice(order.stop, "BUY stop");
    if (order.limit !== undefined && order.stop.gte(order.limit)) {
      throw new BacktestInputError(`BUY stop ${showPrice(order.stop)} must be below its limit ${showPrice(order.limit)}`);
    }
  }
}

/**
 * Offers an order decided on bar t to the next bar. `next` undefined means the data ended after
 * bar t: nothing fills. Throws BacktestInputError for a bad order, bar or cost model, or a bar
 * not after the decision day (that would be look-ahead).
 */
export function executeOnNextBar(order: BacktestOrder, next: BacktestBar | undefined, costs: CostModel): ExecutionOutcome {
  validateOrder(order);
  validateCosts(costs);
  if (next === undefined) {
    return { filled: false, reason: "no-next-bar", date: null, detail: `no bar after ${order.decidedOn}: the ${order.side} decided then never filled` };
  }
  validateBar(next);
  if (next.date <= order.decidedOn) {
    throw new BacktestInputError(`an order decided on ${order.decidedOn} cannot fill on ${next.date}: fills come from a later bar`);
  }

  const stop = order.stop ?? null;
  const base = { date: next.date, side: order.side, quantity: order.quantity, costs };
  const { limit } = order;
  if (limit === undefined) {
    return { filled: true, rule: "next-open", stop, fill: priceFill({ ...base, reference: "open", referencePrice: next.open, slipped: true }) };
  }

  const buy = order.side === "BUY";
  const opensThrough = buy ? next.open.lte(limit) : next.open.gte(limit);
  if (opensThrough) {
    return {
      filled: true,
      rule: "limit-at-open",
      stop,
      fill: priceFill({ ...base, reference: "open", referencePrice: next.open, slipped: true, cap: limit }),
    };
  }
  const reaches = buy ? next.low.lte(limit) : next.high.gte(limit);
  if (reaches) {
    return { filled: true, rule: "limit-crossed", stop, fill: priceFill({ ...base, reference: "limit", referencePrice: limit, slipped: false }) };
  }
  const extreme = buy ? `low ${showPrice(next.low)}` : `high ${showPrice(next.high)}`;
  return {
    filled: false,
    reason: "limit-not-reached",
    date: next.date,
    detail: `${order.side} limit ${showPrice(limit)} not reached on ${next.date} (${extreme})`,
  };
}
