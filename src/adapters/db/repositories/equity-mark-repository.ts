import type pg from "pg";
import type { DataSource } from "typeorm";
import type { EquityMarkStore } from "../../../app/ports/equity-mark-store.js";
import { pgPool } from "../pool.js";

/** Every account's equity in one statement, rounded to the money scale (4 places). */
const MARK_ALL = `
  INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value, taken_at)
  SELECT a.id, $1, $2, round(a.cash + v.value, 4), a.cash, round(v.value, 4), $3
  FROM accounts a
  CROSS JOIN LATERAL (
    SELECT COALESCE(sum(CASE WHEN lp.close IS NULL THEN p.cost_basis ELSE p.quantity * lp.close END), 0) AS value
    FROM positions p
    LEFT JOIN LATERAL (SELECT s.close FROM stock_prices s WHERE s.ticker = p.ticker ORDER BY s.time DESC LIMIT 1) lp ON true
    WHERE p.account_id = a.id AND p.quantity > 0) v
  ON CONFLICT (account_id, trading_day, kind) WHERE kind <> 'intraday' DO NOTHING`;

export class EquityMarkRepository implements EquityMarkStore {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  async markAll(kind: "intraday" | "end_of_day", tradingDay: string, at: Date): Promise<number> {
    const result = await this.pool.query(MARK_ALL, [kind, tradingDay, at]);
    return result.rowCount ?? 0;
  }
}
