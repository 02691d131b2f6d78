import type pg from "pg";
import type { DataSource } from "typeorm";
import type { FillBookingTransaction, OrderStore, StoredOrder } from "../../../app/ports/order-store.js";
import { Dec } from "../../../domain/decimal.js";
import type { BookingWrites, FillContext } from "../../../domain/orders/booking.js";
import type { OrderStatus, Side } from "../../../domain/vocabulary.js";
import { pgPool } from "../pool.js";
import { inTransaction } from "../transaction.js";

/** The order columns a StoredOrder maps, qualified with a table alias when one is given. */
const orderColumns = (alias = "") =>
  ["id", "account_id", "side", "ticker", "quantity", "filled_quantity", "order_type", "limit_price::text", "stop_price::text", "status", "status_reason", "broker_order_id", "average_fill_price::text"]
    .map((column) => (alias ? `${alias}.${column}` : column))
    .join(", ");
const ORDER_COLUMNS = orderColumns();

interface OrderRow {
  id: string;
  account_id: string;
  side: Side;
  ticker: string;
  quantity: number;
  filled_quantity: number;
  order_type: "market" | "limit";
  limit_price: string | null;
  stop_price: string | null;
  status: OrderStatus;
  status_reason: string | null;
  broker_order_id: string | null;
  average_fill_price: string | null;
}

/**
 * Everything booking a fill needs, in one read: the order and its account locked (the account
 * row lock serialises every change to that account's cash and positions), the held position,
 * and whether this broker fill was booked already.
 */
const FILL_CONTEXT = {
  name: "fill_context",
  text: `
  SELECT ${orderColumns("o")}, a.cash::text AS account_cash,
         p.quantity AS held_quantity, p.cost_basis::text AS held_cost, p.realized_pnl::text AS held_pnl, p.stop_price::text AS held_stop,
         EXISTS (SELECT 1 FROM fills f WHERE f.order_id = o.id AND f.broker_fill_id = $2) AS seen
  FROM orders o
  JOIN accounts a ON a.id = o.account_id
  LEFT JOIN positions p ON p.account_id = o.account_id AND p.ticker = o.ticker
  WHERE o.id = $1
  FOR UPDATE OF o, a`,
};

/**
 * Every write of a booked fill in one statement: position, cash, the fill row, the order, as the
 * domain's bookFill decided them (src/domain/orders/booking.ts).
 */
const BOOK_FILL = {
  name: "book_fill",
  text: `
  WITH position AS (
    INSERT INTO positions (account_id, ticker, quantity, cost_basis, realized_pnl, stop_price) VALUES ($2, $3, $4, $5, $6, $7)
    ON CONFLICT (account_id, ticker) DO UPDATE SET quantity = EXCLUDED.quantity, cost_basis = EXCLUDED.cost_basis,
      realized_pnl = EXCLUDED.realized_pnl, stop_price = EXCLUDED.stop_price, updated_at = now(),
      opened_at = CASE WHEN positions.quantity = 0 THEN now() ELSE positions.opened_at END
  ), cash AS (
    UPDATE accounts SET cash = $8, updated_at = now() WHERE id = $2
  ), fill AS (
    INSERT INTO fills (order_id, account_id, ticker, side, quantity, price, commission, realized_pnl, broker_fill_id, filled_at)
    VALUES ($1, $2, $3, $9, $10, $11, $12, $13, $14, $15)
  )
  UPDATE orders SET filled_quantity = $16, average_fill_price = $17, status = $18,
    broker_order_id = COALESCE($19, broker_order_id), updated_at = now()
  WHERE id = $1`,
};

interface FillContextRow extends OrderRow {
  account_cash: string;
  held_quantity: number | null;
  held_cost: string | null;
  held_pnl: string | null;
  held_stop: string | null;
  seen: boolean;
}

const toOrder = (r: OrderRow): StoredOrder => ({
  id: r.id,
  accountId: r.account_id,
  side: r.side,
  ticker: r.ticker,
  quantity: r.quantity,
  filledQuantity: r.filled_quantity,
  orderType: r.order_type,
  limitPrice: r.limit_price === null ? null : new Dec(r.limit_price),
  stopPrice: r.stop_price === null ? null : new Dec(r.stop_price),
  status: r.status,
  statusReason: r.status_reason,
  brokerOrderId: r.broker_order_id,
  averageFillPrice: r.average_fill_price === null ? null : new Dec(r.average_fill_price),
});

export class OrderRepository implements OrderStore {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  async get(orderId: string): Promise<StoredOrder | undefined> {
    const { rows } = await this.pool.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [orderId]);
    return rows[0] ? toOrder(rows[0]) : undefined;
  }

  async markSubmission(orderId: string, update: SubmissionUpdate): Promise<void> {
    await markSubmissionOn(this.pool, orderId, update);
  }

  inTransaction<T>(work: (tx: FillBookingTransaction) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, (client) => work(fillBookingOn(client)));
  }

  async unknownBrokerOrders(): Promise<(StoredOrder & { createdAt: Date })[]> {
    const { rows } = await this.pool.query<OrderRow & { created_at: Date }>(
      `SELECT ${ORDER_COLUMNS}, created_at FROM orders
       WHERE status = 'unknown' AND account_id IN (SELECT id FROM accounts WHERE broker <> 'paper')
       ORDER BY created_at, id`,
    );
    return rows.map((r) => ({ ...toOrder(r), createdAt: r.created_at }));
  }

  async isBrokerOrderLinked(brokerOrderId: string): Promise<boolean> {
    const { rows } = await this.pool.query(`SELECT 1 FROM orders WHERE broker_order_id = $1 LIMIT 1`, [brokerOrderId]);
    return rows.length > 0;
  }

  async workingBrokerOrders(): Promise<StoredOrder[]> {
    const { rows } = await this.pool.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders
       WHERE status IN ('submitted', 'partially_filled') AND broker_order_id IS NOT NULL
         AND account_id IN (SELECT id FROM accounts WHERE broker <> 'paper')
       ORDER BY created_at, id`,
    );
    return rows.map(toOrder);
  }

  async restingPaperOrders(tickers: readonly string[]): Promise<StoredOrder[]> {
    if (tickers.length === 0) return [];
    const { rows } = await this.pool.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders
       WHERE order_type = 'limit' AND status IN ('submitted', 'partially_filled') AND ticker = ANY($1::text[])
         AND account_id IN (SELECT id FROM accounts WHERE broker = 'paper')
       ORDER BY created_at, id`,
      [[...new Set(tickers)]],
    );
    return rows.map(toOrder);
  }
}

type SubmissionUpdate = { status: "submitted" | "rejected" | "unknown" | "failed"; brokerOrderId?: string | null; reason?: string | null };

/** The broker's answer for an order not yet settled, on the pool or on the caller's transaction. */
export async function markSubmissionOn(db: pg.Pool | pg.PoolClient, orderId: string, update: SubmissionUpdate): Promise<void> {
  await db.query(
    `UPDATE orders SET status = $2, broker_order_id = COALESCE($3, broker_order_id), status_reason = $4, updated_at = now()
     WHERE id = $1 AND status IN ('new', 'submitted', 'unknown')`,
    [orderId, update.status, update.brokerOrderId ?? null, update.reason ?? null],
  );
}

/** Booking's reads and writes on the caller's transaction: the order's own (inTransaction) or the order guard's. */
export function fillBookingOn(client: pg.PoolClient): FillBookingTransaction {
  return {
    fillContext: (orderId, brokerFillId) => fillContextOn(client, orderId, brokerFillId),
    writeBooking: (writes) => writeBookingOn(client, writes),
  };
}

async function fillContextOn(client: pg.PoolClient, orderId: string, brokerFillId: string): Promise<FillContext | undefined> {
  const { rows } = await client.query<FillContextRow>({ ...FILL_CONTEXT, values: [orderId, brokerFillId] });
  const row = rows[0];
  if (!row) return undefined;
  const order = toOrder(row);
  return {
    order,
    accountCash: new Dec(row.account_cash),
    held:
      row.held_quantity === null
        ? undefined
        : { ticker: order.ticker, quantity: row.held_quantity, costBasis: new Dec(row.held_cost!), realizedPnl: new Dec(row.held_pnl!), stopPrice: row.held_stop === null ? null : new Dec(row.held_stop) },
    alreadyBooked: row.seen,
  };
}

async function writeBookingOn(client: pg.PoolClient, writes: BookingWrites): Promise<void> {
  const { position, fill, order } = writes;
  await client.query({
    ...BOOK_FILL,
    values: [
      writes.orderId,
      writes.accountId,
      writes.ticker,
      position.quantity,
      position.costBasis.toFixed(),
      position.realizedPnl.toFixed(),
      position.stopPrice?.toFixed() ?? null,
      writes.cashAfter.toFixed(),
      fill.side,
      fill.quantity,
      fill.price.toFixed(),
      fill.commission.toFixed(),
      fill.realizedPnl.toFixed(),
      fill.brokerFillId,
      fill.at,
      order.filledQuantity,
      order.averageFillPrice.toFixed(),
      order.status,
      order.brokerOrderId,
    ],
  });
}
