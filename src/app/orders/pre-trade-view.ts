import type { Dec } from "../../domain/decimal.js";
import { accountValuation, positionValue } from "../../domain/portfolio/valuation.js";
import type { PreTradeRows } from "../ports/trading-gate.js";

/** The pre-trade rows valued: what the pre-trade checks read about the account. */
export interface PreTradeView extends Omit<PreTradeRows, "positions"> {
  /** Cash plus every position at its newest price (unpriced positions count at cost). */
  equity: Dec;
  /** Quantity and value of each held ticker. */
  positions: Map<string, { quantity: number; value: Dec }>;
}

/** Values the rows read under the lock by the desk's one valuation (an unpriced position at cost: the stale-data trigger deals with the missing price). */
export function preTradeView(rows: PreTradeRows): PreTradeView {
  const positions = new Map<string, { quantity: number; value: Dec }>();
  for (const p of rows.positions) positions.set(p.ticker, { quantity: p.quantity, value: positionValue(p) });
  const { equity } = accountValuation(rows.cash, rows.positions);
  return { ...rows, equity, positions };
}
