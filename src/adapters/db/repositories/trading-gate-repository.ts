import type pg from "pg";
import type { DataSource } from "typeorm";
import type { GateResult, GuardedTransaction, NewOrder, TradingGate } from "../../../app/ports/trading-gate.js";
import type { KillSwitchState } from "../../../domain/vocabulary.js";
import { pgPool } from "../pool.js";
import { inTransaction } from "../transaction.js";

/** How long an order waits for a halt in progress before giving up (and not trading). */
const LOCK_TIMEOUT = "5s";

export class TradingGateRepository implements TradingGate {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  whenAllowed<T>(accountId: string, riskReducing: boolean, work: (tx: GuardedTransaction) => Promise<T>): Promise<GateResult<T>> {
    return inTransaction(this.pool, async (client) => {
      // FOR UPDATE, not FOR SHARE: the daily order count and cash checks made inside must also be serialised per account.
      const { rows } = await client.query<{ state: KillSwitchState; reason: string }>(
        "SELECT state, reason FROM kill_switch_states WHERE account_id = $1 FOR UPDATE",
        [accountId],
      );
      const row = rows[0];
      if (!row) return { allowed: false, state: "UNKNOWN", reason: "the kill-switch state cannot be read: treated as halted" };
      if (row.state !== "ACTIVE" && !riskReducing) return { allowed: false, state: "HALTED", reason: row.reason };
      return { allowed: true, value: await work(new Guarded(client, accountId)) };
    }, { lock_timeout: LOCK_TIMEOUT });
  }
}

class Guarded implements GuardedTransaction {
  constructor(
    private readonly client: pg.PoolClient,
    private readonly accountId: string,
  ) {}

  async insertOrder(order: NewOrder): Promise<string | undefined> {
    if (order.accountId !== this.accountId) throw new Error("an order may only be recorded under its own account's guard");
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

  async ordersOn(tradingDay: string): Promise<number> {
    const { rows } = await this.client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM orders WHERE account_id = $1 AND trading_day = $2 AND status NOT IN ('rejected', 'failed')",
      [this.accountId, tradingDay],
    );
    return rows[0]?.n ?? 0;
  }
}
