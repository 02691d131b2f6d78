import type pg from "pg";
import type { DataSource } from "typeorm";
import type { PaperBrokerOptions } from "../../broker/paper/paper-broker.js";
import type { BrokerFill, BrokerPosition } from "../../../app/ports/broker.js";
import { Dec } from "../../../domain/decimal.js";
import { pgPool } from "../pool.js";

const POSITIONS = {
  name: "paper_book_positions",
  text: "SELECT ticker, quantity FROM positions WHERE account_id = $1 AND quantity > 0 ORDER BY ticker",
};

const FILLS = {
  name: "paper_book_fills",
  text: `SELECT f.quantity, f.price::text AS price, f.commission::text AS commission, f.broker_fill_id, f.filled_at
         FROM fills f JOIN orders o ON o.id = f.order_id
         WHERE o.broker_order_id = $1 ORDER BY f.filled_at, f.id`,
};

type PaperBook = PaperBrokerOptions["book"];

interface FillRow {
  quantity: number;
  price: string;
  commission: string;
  broker_fill_id: string | null;
  filled_at: Date;
}

/** The paper broker's book is the desk's own: its positions and fills, read back from PostgreSQL. */
export class PaperBookRepository implements PaperBook {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  async positions(accountId: string): Promise<BrokerPosition[]> {
    const { rows } = await this.pool.query<BrokerPosition>({ ...POSITIONS, values: [accountId] });
    return rows.map((r) => ({ ticker: r.ticker, quantity: r.quantity }));
  }

  async fills(brokerOrderId: string): Promise<BrokerFill[]> {
    const { rows } = await this.pool.query<FillRow>({ ...FILLS, values: [brokerOrderId] });
    return rows.map((r) => ({
      quantity: r.quantity,
      price: new Dec(r.price),
      commission: new Dec(r.commission),
      brokerFillId: r.broker_fill_id ?? "",
      at: r.filled_at,
    }));
  }
}
