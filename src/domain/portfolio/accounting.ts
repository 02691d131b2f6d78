import { Dec } from "../decimal.js";
import type { Side } from "../vocabulary.js";

/**
 * Average-cost position accounting. Pure: every value is a `Dec`, quantities are whole shares
 * and positions are long only. Money results are kept to 4 decimal places (cents and below);
 * prices to 6 (NUMERIC(20,6)).
 */

/** Decimal places of money results (cash, cost basis, P&L). */
export const MONEY_PLACES = 4;
/** Decimal places of prices (NUMERIC(20,6)). */
export const PRICE_PLACES = 6;

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

export interface FillResult {
  position: PositionState;
  /** Cash change: negative for a buy (price + commission), positive for a sell (proceeds less commission). */
  cashDelta: Dec;
  /** P&L realized by this fill: 0 for a buy. */
  realizedPnl: Dec;
}

function money(d: Dec): Dec {
  return d.toDecimalPlaces(MONEY_PLACES, Dec.ROUND_HALF_EVEN);
}

function requireShares(quantity: number, what: string): void {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    throw new RangeError(`${what} must be a positive whole number of shares, got ${String(quantity)}`);
  }
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
 * Applies one fill to a position (undefined = never held).
 *
 * BUY adds `qty*price + commission` to the cost basis and takes it from cash.
 * SELL removes `costBasis * sold / held` (4 dp, half-even) from the cost basis — or the whole
 * cost basis when everything is sold, so no residue is left — and realizes
 * `qty*price - commission - removedCost`. The realized amount is computed as
 * `cashDelta - removedCost`, so cash + cost basis always reconcile with realized P&L exactly.
 *
 * Throws RangeError for a non-positive or fractional quantity, a negative price or commission,
 * a sell of more than is held, or a position belonging to another ticker.
 */
export function applyFill(position: PositionState | undefined, ticker: string, fill: Fill): FillResult {
  const current = position ?? emptyPosition(ticker);
  if (current.ticker !== ticker) {
    throw new RangeError(`fill for ${ticker} applied to a position in ${current.ticker}`);
  }
  requireShares(fill.quantity, `${fill.side} quantity`);
  if (!fill.price.isFinite() || fill.price.isNegative()) {
    throw new RangeError(`fill price must be a non-negative number, got ${fill.price.toString()}`);
  }
  if (!fill.commission.isFinite() || fill.commission.isNegative()) {
    throw new RangeError(`commission must be a non-negative number, got ${fill.commission.toString()}`);
  }

  const gross = fill.price.mul(fill.quantity);

  if (fill.side === "BUY") {
    const cost = money(gross.plus(fill.commission));
    return {
      position: {
        ticker,
        quantity: current.quantity + fill.quantity,
        costBasis: money(current.costBasis.plus(cost)),
        realizedPnl: current.realizedPnl,
      },
      cashDelta: cost.neg(),
      realizedPnl: new Dec(0),
    };
  }

  if (fill.quantity > current.quantity) {
    throw new RangeError(`cannot sell ${fill.quantity} ${ticker}: only ${current.quantity} held (long only)`);
  }
  const sellsAll = fill.quantity === current.quantity;
  const removedCost = sellsAll ? current.costBasis : money(current.costBasis.mul(fill.quantity).div(current.quantity));
  const cashDelta = money(gross.minus(fill.commission));
  const realized = money(cashDelta.minus(removedCost));
  return {
    position: {
      ticker,
      quantity: current.quantity - fill.quantity,
      costBasis: sellsAll ? new Dec(0) : money(current.costBasis.minus(removedCost)),
      realizedPnl: money(current.realizedPnl.plus(realized)),
    },
    cashDelta,
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
