import { Dec } from "../decimal.js";

/**
 * The one rule for what an account is worth, shared by the kill switch's snapshot, the
 * pre-trade gate, the equity marks and the operator views (/monitor, /phase, the daily report),
 * so they never disagree about the same account.
 *
 * A position is worth quantity x its newest price. A position with no price at all is worth its
 * cost basis, not 0: the concentration and stale-data triggers already fire on an unpriced
 * holding (the kill switch stays fail-closed), while valuing it at 0 would make equity, and so
 * the daily-loss and drawdown readings, jump by the whole position each time a price went
 * missing and came back. Values are exact; whoever stores one rounds it to the column's scale.
 */

export interface ValuedPosition {
  /** Whole shares held. */
  quantity: number;
  /** Newest known price; null when the ticker has no price at all. */
  lastPrice: Dec | null;
  /** Total cost of the shares held. */
  costBasis: Dec;
}

export interface AccountValuation {
  /** Cash plus positionsValue. */
  equity: Dec;
  /** Sum of the positions' values, unpriced ones at cost. */
  positionsValue: Dec;
  /** How many positions were valued at cost for want of a price: equity is then an estimate. */
  unpricedPositions: number;
}

/** quantity x last price; an unpriced position at its cost basis. */
export function positionValue(position: ValuedPosition): Dec {
  return position.lastPrice ? position.lastPrice.times(position.quantity) : position.costBasis;
}

/** Cash plus every position at positionValue. */
export function accountValuation(cash: Dec, positions: readonly ValuedPosition[]): AccountValuation {
  let positionsValue = new Dec(0);
  let unpricedPositions = 0;
  for (const p of positions) {
    positionsValue = positionsValue.plus(positionValue(p));
    if (!p.lastPrice) unpricedPositions += 1;
  }
  return { equity: cash.plus(positionsValue), positionsValue, unpricedPositions };
}
