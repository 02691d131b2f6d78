import type pg from "pg";
import type { DataSource } from "typeorm";
import type { EquityMarkStore } from "../../../app/ports/equity-mark-store.js";
import { Dec } from "../../../domain/decimal.js";
import { accountValuation } from "../../../domain/portfolio/valuation.js";
import { pgPool } from "../pool.js";

/**
 * Every account's cash and open positions with each ticker's newest price, in one statement.
 * The rows are valued by the domain's accountValuation rather than summed here, so a mark is the
 * equity the kill switch, the gate and /monitor see (one rule, not a copy of it in SQL).
 */
const READ_ALL = {
  name: "equity_mark_books",
  text: `
  SELECT a.id, a.cash::text AS cash,
    COALESCE((SELECT json_agg(json_build_object('quantity', p.quantity, 'cost', p.cost_basis::text, 'close', lp.close::text))
      FROM positions p
      LEFT JOIN LATERAL (SELECT s.close FROM stock_prices s WHERE s.ticker = p.ticker ORDER BY s.time DESC LIMIT 1) lp ON true
      WHERE p.account_id = a.id AND p.quantity > 0), '[]') AS positions
  FROM accounts a`,
};

/** The marks in one statement; an end-of-day mark already taken is kept. */
const INSERT_ALL = `
  INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value, taken_at)
  SELECT m.account_id, $1, $2, m.equity, m.cash, m.positions_value, $3
  FROM unnest($4::uuid[], $5::numeric[], $6::numeric[], $7::numeric[]) AS m(account_id, equity, cash, positions_value)
  ON CONFLICT (account_id, trading_day, kind) WHERE kind <> 'intraday' DO NOTHING`;

interface BookRow {
  id: string;
  cash: string;
  positions: { quantity: number; cost: string; close: string | null }[];
}

/** Decimal places of the equity_snapshots money columns (numeric(20,4)); rounded half-even like the start-of-day mark. */
const MARK_PLACES = 4;

export class EquityMarkRepository implements EquityMarkStore {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  async markAll(kind: "intraday" | "end_of_day", tradingDay: string, at: Date): Promise<number> {
    const { rows } = await this.pool.query<BookRow>(READ_ALL);
    if (rows.length === 0) return 0;
    const ids: string[] = [];
    const equities: string[] = [];
    const cashes: string[] = [];
    const positionsValues: string[] = [];
    for (const row of rows) {
      const cash = new Dec(row.cash);
      const valuation = accountValuation(
        cash,
        row.positions.map((p) => ({ quantity: p.quantity, lastPrice: p.close === null ? null : new Dec(p.close), costBasis: new Dec(p.cost) })),
      );
      ids.push(row.id);
      equities.push(valuation.equity.toFixed(MARK_PLACES));
      cashes.push(cash.toFixed(MARK_PLACES));
      positionsValues.push(valuation.positionsValue.toFixed(MARK_PLACES));
    }
    const result = await this.pool.query(INSERT_ALL, [kind, tradingDay, at, ids, equities, cashes, positionsValues]);
    return result.rowCount ?? 0;
  }
}
