import { Dec } from "../decimal.js";
import { CASH_PLACES, CASH_ROUNDING, cashMoved, fillPriceWithSlippage } from "../portfolio/accounting.js";
import type { Side } from "../vocabulary.js";
import { BacktestInputError, requireQuantity, showPrice } from "./bar.js";

/**
 * The costs a backtest charges on every fill, and the one place a fill's booked amounts are
 * computed, so next-open fills, limit fills and stop exits round alike.
 *
 * Rounding, the same as the desk's books (src/domain/portfolio/accounting.ts and the fills'
 * generated columns):
 * - the fill price is the reference price moved against the trade by `slippageBps` (a BUY pays
 *   reference x (1 + bps/10000), a SELL receives reference x (1 - bps/10000)), kept to 6 places,
 *   half-even, as NUMERIC(20,6) stores it;
 * - commission = perOrder + perShare x quantity, raised to `minimum` when below it, then rounded
 *   once to the cent, half-up;
 * - gross = quantity x price rounded once to the cent, half-up; net = -(gross + commission) for a
 *   BUY, gross - commission for a SELL. Cash moves by exactly `net`.
 */
export interface CostModel {
  /** Basis points the fill price moves against the trade; 0 <= bps < 10000. */
  slippageBps: number;
  /** Charged once per filled order, in dollars. */
  commissionPerOrder: Dec;
  /** Charged per share filled, in dollars. */
  commissionPerShare: Dec;
  /** The least an order pays, in dollars (a broker's minimum ticket); 0 when none. */
  commissionMinimum: Dec;
}

/** No slippage and no commission: the replay's arithmetic before issue 15. */
export const FREE: CostModel = {
  slippageBps: 0,
  commissionPerOrder: new Dec(0),
  commissionPerShare: new Dec(0),
  commissionMinimum: new Dec(0),
};

/** How a fill was priced: the bar's open, a resting limit, or a stop. */
export type FillReference = "open" | "limit" | "stop";

/** One simulated fill with its booked amounts. */
export interface BacktestFill {
  /** The trading day of the bar that filled it. */
  date: string;
  side: Side;
  quantity: number;
  /** What the price was taken from before slippage. */
  reference: FillReference;
  /** The price before slippage: the open, the limit or the stop. */
  referencePrice: Dec;
  /** The price paid or received per share, 6 places. */
  price: Dec;
  /** Commission, to the cent. */
  commission: Dec;
  /** quantity x price, to the cent. */
  gross: Dec;
  /** Signed cash change: negative for a BUY, positive for a SELL. */
  net: Dec;
  /** What slippage cost on this fill, |price - referencePrice| x quantity, unrounded. */
  slippageCost: Dec;
}

function requireMoney(value: Dec, what: string): void {
  if (!value.isFinite() || value.isNegative()) {
    throw new BacktestInputError(`${what} must be a non-negative amount, got ${value.toString()}`);
  }
}

/** Refuses a cost model a backtest could not honestly run with. */
export function validateCosts(costs: CostModel): void {
  if (!Number.isFinite(costs.slippageBps) || costs.slippageBps < 0 || costs.slippageBps >= 10_000) {
    throw new BacktestInputError(`slippage must be from 0 to under 10000 basis points, got ${String(costs.slippageBps)}`);
  }
  requireMoney(costs.commissionPerOrder, "commission per order");
  requireMoney(costs.commissionPerShare, "commission per share");
  requireMoney(costs.commissionMinimum, "minimum commission");
}

/** The commission for one order of `quantity` shares, to the cent (half-up). */
export function commissionFor(costs: CostModel, quantity: number): Dec {
  requireQuantity(quantity);
  const raw = costs.commissionPerOrder.plus(costs.commissionPerShare.mul(quantity));
  return Dec.max(raw, costs.commissionMinimum).toDecimalPlaces(CASH_PLACES, CASH_ROUNDING);
}

/**
 * Prices a fill from its reference: `slipped` false keeps the reference price (a resting limit
 * that the bar traded through fills at its limit, no worse); otherwise slippage applies.
 * `cap` bounds the slipped price for a limit order that the bar opened through: a BUY never
 * pays more than its limit, a SELL never receives less.
 */
export function priceFill(input: {
  date: string;
  side: Side;
  quantity: number;
  reference: FillReference;
  referencePrice: Dec;
  costs: CostModel;
  slipped: boolean;
  cap?: Dec;
}): BacktestFill {
  const { side, quantity, referencePrice, costs } = input;
  let price = input.slipped ? fillPriceWithSlippage(side, referencePrice, costs.slippageBps) : referencePrice;
  if (input.cap !== undefined) price = side === "BUY" ? Dec.min(price, input.cap) : Dec.max(price, input.cap);
  const booked = cashMoved({ side, quantity, price, commission: commissionFor(costs, quantity) });
  return {
    date: input.date,
    side,
    quantity,
    reference: input.reference,
    referencePrice,
    price,
    commission: booked.commission,
    gross: booked.gross,
    net: booked.net,
    slippageCost: price.minus(referencePrice).abs().mul(quantity),
  };
}

/**
 * The BUY at `open` (slippage and commission included) of the most whole shares, at most `atMost`,
 * whose cost fits `budget`; null when not one share fits. The cost grows with the quantity (gross
 * and commission are each rounded once, so neither can fall as shares are added): a binary search
 * finds the largest that fits. The benchmark's buys and the engine's cut-to-cash BUYs both use it.
 */
export function mostSharesAtOpen(input: { date: string; open: Dec; budget: Dec; costs: CostModel; atMost?: number }): BacktestFill | null {
  const { date, open, budget, costs } = input;
  const buy = (quantity: number) => priceFill({ date, side: "BUY", quantity, reference: "open", referencePrice: open, costs, slipped: true });
  const price = fillPriceWithSlippage("BUY", open, costs.slippageBps);
  // Rounding gross to the cent can save at most half a cent, so no quantity above this fits.
  let hi = budget.plus("0.01").div(price).floor().toNumber() + 1;
  if (input.atMost !== undefined) hi = Math.min(hi, input.atMost);
  let lo = 0;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (buy(mid).net.neg().lte(budget)) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? null : buy(lo);
}

/** The costs as the report header prints them: "slippage 5 bps against the trade; commission 1.00 per order + 0.005 per share, minimum 1.00; cash to the cent, half-up". */
export function describeCosts(costs: CostModel): string {
  const parts: string[] = [];
  if (!costs.commissionPerOrder.isZero()) parts.push(`${showPrice(costs.commissionPerOrder)} per order`);
  if (!costs.commissionPerShare.isZero()) parts.push(`${showPrice(costs.commissionPerShare)} per share`);
  let commission = parts.length === 0 ? "no commission" : `commission ${parts.join(" + ")}`;
  if (!costs.commissionMinimum.isZero()) commission += `, minimum ${showPrice(costs.commissionMinimum)}`;
  return `slippage ${String(costs.slippageBps)} bps against the trade; ${commission}; cash to the cent, half-up`;
}
