import type pg from "pg";
import type { DataSource } from "typeorm";
import type { StopLossCandidate, StopLossSource } from "../../../app/ports/stop-loss-source.js";
import { Dec } from "../../../domain/decimal.js";
import { pgPool } from "../pool.js";

/** One statement: each stopped long with its ticker's newest price (one index probe per position). */
const AT_OR_BELOW_STOP = {
  name: "stop_loss_candidates",
  text: `
  SELECT p.account_id, a.name AS account_name, p.id::text AS position_id, p.opened_at, p.ticker, p.quantity,
         p.stop_price::text AS stop_price, lp.close::text AS last_price
  FROM positions p
  JOIN accounts a ON a.id = p.account_id
  CROSS JOIN LATERAL (SELECT s.close FROM stock_prices s WHERE s.ticker = p.ticker ORDER BY s.time DESC LIMIT 1) lp
  WHERE p.quantity > 0 AND p.stop_price IS NOT NULL AND lp.close <= p.stop_price
    AND ($1::text[] IS NULL OR p.ticker = ANY($1::text[]))
  ORDER BY a.created_at, a.id, p.ticker`,
};

interface CandidateRow {
  account_id: string;
  account_name: string;
  position_id: string;
  opened_at: Date;
  ticker: string;
  quantity: number;
  stop_price: string;
  last_price: string;
}

export class StopLossRepository implements StopLossSource {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  async positionsAtOrBelowStop(tickers?: readonly string[]): Promise<StopLossCandidate[]> {
    const { rows } = await this.pool.query<CandidateRow>({ ...AT_OR_BELOW_STOP, values: [tickers ? [...tickers] : null] });
    return rows.map((r) => ({
      accountId: r.account_id,
      accountName: r.account_name,
      positionId: r.position_id,
      openedAt: r.opened_at,
      ticker: r.ticker,
      quantity: r.quantity,
      stopPrice: new Dec(r.stop_price),
      lastPrice: new Dec(r.last_price),
    }));
  }
}
