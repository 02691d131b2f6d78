import type pg from "pg";
import type { DataSource } from "typeorm";
import type { FillBookingTransaction } from "../../../app/ports/order-store.js";
import type { GuardedTransaction, NewOrder, PreTradeRows, TradingGate } from "../../../app/ports/trading-gate.js";
import { Dec } from "../../../domain/decimal.js";
import type { LockedKillSwitch } from "../../../domain/kill-switch/admission.js";
import type { BookingWrites, FillContext } from "../../../domain/orders/booking.js";
import type { AccountMode, OrderStatus, Phase } from "../../../domain/vocabulary.js";
import { pgPool } from "../pool.js";
import { fillBookingOn, markSubmissionOn } from "./order-repository.js";
import { inTransaction } from "../transaction.js";

/** The pre-trade rows in one round trip: account, today's order count, positions at their newest prices, the ticker's newest price. */
const PRE_TRADE_VIEW = {
  name: "pre_trade_view",
  text: `
  SELECT a.mode, a.phase, a.cash::text AS cash, a.phase_start_equity::text AS phase_start_equity,
    (SELECT count(*)::int FROM orders o WHERE o.account_id = a.id AND o.trading_day = $2 AND o.status NOT IN ('rejected', 'failed')) AS orders_today,
    COALESCE((SELECT json_agg(json_build_object('ticker', p.ticker, 'quantity', p.quantity, 'cost', p.cost_basis::text, 'close', lp.close::text))
      FROM positions p
      LEFT JOIN LATERAL (SELECT s.close FROM stock_prices s WHERE s.ticker = p.ticker ORDER BY s.time DESC LIMIT 1) lp ON true
      WHERE p.account_id = a.id AND p.quantity > 0), '[]') AS positions,
    (SELECT json_build_object('close', s.close::text, 'time', s.time) FROM stock_prices s WHERE s.ticker = $3 ORDER BY s.time DESC LIMIT 1) AS last,
    (SELECT json_build_object('id', o.id, 'status', o.status) FROM orders o WHERE o.account_id = a.id AND o.idempotency_key = $4) AS existing
  FROM accounts a WHERE a.id = $1`,
};

interface ViewRow {
  mode: AccountMode;
  phase: Phase;
  cash: string;
  phase_start_equity: string;
  orders_today: number;
  positions: { ticker: string; quantity: number; cost: string; close: string | null }[];
  last: { close: string; time: string } | null;
  existing: { id: string; status: OrderStatus } | null;
}

/** How long an order waits for a halt in progress before giving up (and not trading). */
const LOCK_TIMEOUT = "5s";

export class TradingGateRepository implements TradingGate {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  lockAccount<T>(accountId: string, work: (tx: GuardedTransaction, locked: LockedKillSwitch | undefined) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, async (client) => {
      // FOR UPDATE, not FOR SHARE: the daily order count and cash checks made inside must also be serialised per account.
      const { rows } = await client.query<LockedKillSwitch>("SELECT state, reason FROM kill_switch_states WHERE account_id = $1 FOR UPDATE", [accountId]);
      return work(new Guarded(client, accountId), rows[0]);
    }, { lock_timeout: LOCK_TIMEOUT });
  }
}

class Guarded implements GuardedTransaction {
  private readonly booking: FillBookingTransaction;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly accountId: string,
  ) {
    this.booking = fillBookingOn(client);
  }

  async preTradeRows(ticker: string, tradingDay: string, idempotencyKey: string): Promise<PreTradeRows> {
    const { rows } = await this.client.query<ViewRow>({ ...PRE_TRADE_VIEW, values: [this.accountId, tradingDay, ticker, idempotencyKey] });
    const row = rows[0];
    if (!row) throw new Error(`account ${this.accountId} does not exist`);
    return {
      accountMode: row.mode,
      phase: row.phase,
      cash: new Dec(row.cash),
      phaseStartEquity: new Dec(row.phase_start_equity),
      positions: row.positions.map((p) => ({ ticker: p.ticker, quantity: p.quantity, costBasis: new Dec(p.cost), lastPrice: p.close === null ? null : new Dec(p.close) })),
      lastPrice: row.last ? new Dec(row.last.close) : null,
      priceTime: row.last ? new Date(row.last.time) : null,
      ordersToday: row.orders_today,
      existing: row.existing ?? undefined,
    };
  }

  fillContext(orderId: string, brokerFillId: string): Promise<FillContext | undefined> {
    return this.booking.fillContext(orderId, brokerFillId);
  }

  writeBooking(writes: BookingWrites): Promise<void> {
    return this.booking.writeBooking(writes);
  }

  markSubmission(orderId: string, update: { status: "submitted" | "rejected" | "unknown"; brokerOrderId?: string | null; reason?: string | null }): Promise<void> {
    return markSubmissionOn(this.client, orderId, update);
  }

  async insertOrder(order: NewOrder): Promise<string | undefined> {
    if (order.accountId !== this.accountId) throw new Error("an order may only be recorded under its own account's guard");
    if (order.proposalId) {
      // Locked until the commit: crash recovery cannot settle the proposal while its order is being recorded, nor the order be recorded after.
      const { rows } = await this.client.query<{ status: string }>("SELECT status FROM proposals WHERE id = $1 FOR UPDATE", [order.proposalId]);
      const status = rows[0]?.status;
      if (status !== "approved") throw new Error(`proposal ${order.proposalId} is ${status ?? "missing"}, not approved: its order is not placed`);
    }
    const { rows } = await this.client.query<{ id: string }>(
      `INSERT INTO orders (account_id, idempotency_key, source, side, ticker, quantity, order_type, limit_price, stop_price, requested_by, trading_day, proposal_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (account_id, idempotency_key) DO NOTHING RETURNING id`,
      [
        order.accountId,
        order.idempotencyKey,
        order.source,
        order.side,
        order.ticker,
        order.quantity,
        order.orderType,
        order.limitPrice?.toFixed() ?? null,
        order.stopPrice?.toFixed() ?? null,
        order.requestedBy,
        order.tradingDay,
        order.proposalId ?? null,
      ],
    );
    return rows[0]?.id;
  }
}
