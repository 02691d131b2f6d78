import { Dec } from "../decimal.js";
import type { Side } from "../vocabulary.js";

/**
 * Average-cost position accounting. Pure: every value is a `Dec`, quantities are whole shares
 * and positions are long only.
 *
 * The booking rule (a broker statement's): each fill moves cash by amounts in whole cents,
 * rounded once, half-up (half a cent away from zero, as PostgreSQL's round() does):
 *   gross      = quantity x price, rounded to the cent
 *   commission = the commission, rounded to the cent
 *   net        = -(gross + commission) for a BUY, gross - commission for a SELL
 * Cash changes by exactly `net`, so an account's cash is its starting capital plus the sum of
 * its fills' net amounts, to the last digit. Cost basis is built from the same booked amounts
 * (a BUY adds -net); a SELL removes its share of the cost basis rounded to the cent, and
 * realises net - removed. Prices keep 6 places (NUMERIC(20,6)); valuations at market prices
 * (unrealised P&L) keep 4.
 */

/** Decimal places of valuations at market prices (unrealised P&L). */
export const MONEY_PLACES = 4;
/** Decimal places of prices (NUMERIC(20,6)). */
export const PRICE_PLACES = 6;
/** Decimal places of booked cash amounts: whole cents. */
export const CASH_PLACES = 2;
/** How a booked cash amount is rounded: half-up (away from zero), once per amount. */
export const CASH_ROUNDING = Dec.ROUND_HALF_UP;

export interface PositionState {
  ticker: string;
  /** Whole shares held; 0 when flat. */
  quantity: number;
  /** Total cost of the shares held, buy commissions included. 0 when flat. */
  costBasis: Dec;
  /** Realized P&L accumulated over the position's life. */
  realizedPnl: Dec;
}

export interface Fill {
  side: Side;
  quantity: number;
  price: Dec;
  commission: Dec;
}

/** The cash a fill moved, as the statement books it (see the booking rule above). */
export interface CashMovement {
  /** quantity x price, to the cent; never negative. */
  gross: Dec;
  /** The commission, to the cent; never negative. */
  commission: Dec;
  /** Signed change of cash: -(gross + commission) for a BUY, gross - commission for a SELL. */
  net: Dec;
}

export interface FillResult {
  position: PositionState;
  /** The booked amounts of this fill; `cash.net` is what cash changes by. */
  cash: CashMovement;
  /** Cash change, `cash.net`: negative for a buy, positive for a sell. */
  cashDelta: Dec;
  /** P&L realized by this fill: 0 for a buy. */
  realizedPnl: Dec;
}

function money(d: Dec): Dec {
  return d.toDecimalPlaces(MONEY_PLACES, Dec.ROUND_HALF_EVEN);
}

function cents(d: Dec): Dec {
  return d.toDecimalPlaces(CASH_PLACES, CASH_ROUNDING);
}

function requireShares(quantity: number, what: string): void {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    throw new RangeError(`${what} must be a positive whole number of shares, got ${String(quantity)}`);
  }
}

/**
 * The booked amounts of a fill: gross and commission each rounded once to the cent (half-up),
 * and the net cash change derived from them without further rounding.
 */
export function cashMoved(fill: Fill): CashMovement {
  requireShares(fill.quantity, `${fill.side} quantity`);
  if (!fill.price.isFinite() || fill.price.isNegative()) {
    throw new RangeError(`fill price must be a non-negative number, got ${fill.price.toString()}`);
  }
  if (!fill.commission.isFinite() || fill.commission.isNegative()) {
    throw new RangeError(`commission must be a non-negative number, got ${fill.commission.toString()}`);
  }
  const gross = cents(fill.price.mul(fill.quantity));
  const commission = cents(fill.commission);
  const net = fill.side === "BUY" ? gross.plus(commission).neg() : gross.minus(commission);
  return { gross, commission, net };
}

/** Cost basis / quantity, to 6 places (display only); null when flat. */
export function averagePrice(p: PositionState): Dec | null {
  if (p.quantity === 0) return null;
  return p.costBasis.div(p.quantity).toDecimalPlaces(PRICE_PLACES, Dec.ROUND_HALF_EVEN);
}

/** A flat position in `ticker`. */
export function emptyPosition(ticker: string): PositionState {
  return { ticker, quantity: 0, costBasis: new Dec(0), realizedPnl: new Dec(0) };
}

/**
 * Applies one fill to a position (undefined = never held), from the fill's booked amounts.
 *
 * BUY adds `-net` (gross + commission) to the cost basis; cash falls by the same amount.
 * SELL removes `costBasis * sold / held` rounded to the cent (half-up) from the cost basis, or
 * the whole cost basis when everything is sold, so no residue is left, and realises
 * `net - removed`. Hence cash + cost basis - realised P&L never changes: the books reconcile
 * with the fills exactly.
 *
 * Throws RangeError for a non-positive or fractional quantity, a negative price or commission,
 * a sell of more than is held, or a position belonging to another ticker.
 */
export function applyFill(position: PositionState | undefined, ticker: string, fill: Fill): FillResult {
  const current = position ?? emptyPosition(ticker);
  if (current.ticker !== ticker) {
    throw new RangeError(`fill for ${ticker} applied to a position in ${current.ticker}`);
  }
  const cash = cashMoved(fill);

  if (fill.side === "BUY") {
    return {
      position: {
        ticker,
        quantity: current.quantity + fill.quantity,
        costBasis: current.costBasis.minus(cash.net),
        realizedPnl: current.realizedPnl,
      },
      cash,
      cashDelta: cash.net,
      realizedPnl: new Dec(0),
    };
  }

  if (fill.quantity > current.quantity) {
    throw new RangeError(`cannot sell ${fill.quantity} ${ticker}: only ${current.quantity} held (long only)`);
  }
  const sellsAll = fill.quantity === current.quantity;
  const removedCost = sellsAll ? current.costBasis : cents(current.costBasis.mul(fill.quantity).div(current.quantity));
  const realized = cash.net.minus(removedCost);
  return {
    position: {
      ticker,
      quantity: current.quantity - fill.quantity,
      costBasis: sellsAll ? new Dec(0) : current.costBasis.minus(removedCost),
      realizedPnl: current.realizedPnl.plus(realized),
    },
    cash,
    cashDelta: cash.net,
    realizedPnl: realized,
  };
}

/** quantity * lastPrice - costBasis, to 4 dp. */
export function unrealizedPnl(p: PositionState, lastPrice: Dec): Dec {
  return money(lastPrice.mul(p.quantity).minus(p.costBasis));
}

/**
 * The simulated fill price: a BUY pays `reference * (1 + bps/10000)`, a SELL receives
 * `reference * (1 - bps/10000)`, to 6 places half-even.
 */
export function fillPriceWithSlippage(side: Side, reference: Dec, slippageBps: number): Dec {
  if (!Number.isFinite(slippageBps) || slippageBps < 0 || slippageBps >= 10_000) {
    throw new RangeError(`slippage must be between 0 and 10000 basis points, got ${String(slippageBps)}`);
  }
  const fraction = new Dec(slippageBps).div(10_000);
  const factor = side === "BUY" ? new Dec(1).plus(fraction) : new Dec(1).minus(fraction);
  return reference.mul(factor).toDecimalPlaces(PRICE_PLACES, Dec.ROUND_HALF_EVEN);
}

/** entry * (1 - pct/100), to 2 places half-even: 63.03 at 5% -> 59.88. */
export function defaultStopPrice(entry: Dec, stopPct: number): Dec {
  if (!Number.isFinite(stopPct) || stopPct < 0 || stopPct >= 100) {
    throw new RangeError(`stop percentage must be in [0, 100), got ${String(stopPct)}`);
  }
  return entry
    .mul(new Dec(1).minus(new Dec(stopPct).div(100)))
    .toDecimalPlaces(2, Dec.ROUND_HALF_EVEN);
}

/**
 * A long's stop once a fill is booked: the order's own stop when a BUY names one; otherwise a new
 * position gets `defaultStopPct` under its average entry and an added-to (or partly sold)
 * position keeps its stop. A flat position has none. One rule for the desk's books and the backtest.
 */
export function stopAfterFill(side: Side, orderStop: Dec | null, currentStop: Dec | null, position: PositionState, defaultStopPct: number): Dec | null {
  if (position.quantity === 0) return null;
  if (side === "BUY" && orderStop) return orderStop;
  if (currentStop !== null) return currentStop;
  const entry = averagePrice(position);
  return entry ? defaultStopPrice(entry, defaultStopPct) : null;
}
