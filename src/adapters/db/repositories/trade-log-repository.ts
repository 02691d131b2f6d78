import type pg from "pg";
import type { DataSource } from "typeorm";
import type { TradeLog, TradeRow } from "../../../app/ports/trade-log.js";
import { Dec } from "../../../domain/decimal.js";
import type { Side } from "../../../domain/vocabulary.js";
import { pgPool } from "../pool.js";

interface Row {
  ticker: string;
  side: Side;
  quantity: number;
  price: string;
  commission: string;
  realized_pnl: string | null;
  filled_at: Date;
  source: string;
}

export class TradeLogRepository implements TradeLog {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource, private readonly timeZone = "America/New_York") {
    this.pool = pgPool(dataSource);
  }

  async fills(accountId: string, firstDay: string, lastDay: string): Promise<TradeRow[]> {
    const { rows } = await this.pool.query<Row>({
      name: "trade_log_fills",
      // The trading day of a fill is its New York date; the range is bounded in time first so the
      // account's (account_id, filled_at) index does the work.
      text: `SELECT f.ticker, f.side, f.quantity, f.price::text AS price, f.commission::text AS commission,
               f.realized_pnl::text AS realized_pnl, f.filled_at, o.source
             FROM fills f JOIN orders o ON o.id = f.order_id
             WHERE f.account_id = $1
               AND f.filled_at >= ($2::date)::timestamp AT TIME ZONE $4
               AND f.filled_at < ($3::date + 1)::timestamp AT TIME ZONE $4
             ORDER BY f.filled_at, f.id`,
      values: [accountId, firstDay, lastDay, this.timeZone],
    });
    return rows.map((r) => ({
      ticker: r.ticker,
      side: r.side,
      quantity: r.quantity,
      price: new Dec(r.price),
      commission: new Dec(r.commission),
      realizedPnl: r.side === "SELL" && r.realized_pnl !== null ? new Dec(r.realized_pnl) : null,
      filledAt: r.filled_at,
      source: r.source,
    }));
  }
}
