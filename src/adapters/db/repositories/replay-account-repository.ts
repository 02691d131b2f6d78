import type pg from "pg";
import type { DataSource } from "typeorm";
import type { EndOfDayRecord, ReplayAccountStore, ReplayHolding } from "../../../app/replay/run-replay.js";
import { Dec } from "../../../domain/decimal.js";
import type { EquityPoint } from "../../../domain/metrics.js";
import { pgPool } from "../pool.js";
import { inTransaction } from "../transaction.js";

/** The few reads and writes a replay makes outside the order path: its account and its daily equity. */
export class ReplayAccountRepository implements ReplayAccountStore {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  /** A fresh shadow account on the paper broker, armed (ACTIVE): a replay trades from its first bar. */
  createAccount(input: { name: string; capital: Dec }): Promise<string> {
    return inTransaction(this.pool, async (client) => {
      const capital = input.capital.toFixed(4);
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO accounts (name, mode, broker, phase, starting_capital, cash, phase_start_equity)
         VALUES ($1, 'shadow', 'paper', 'shadow', $2, $2, $2) RETURNING id`,
        [input.name, capital],
      );
      const id = rows[0]!.id;
      await client.query(
        `INSERT INTO kill_switch_states (account_id, state, reason, actor) VALUES ($1, 'ACTIVE', 'replay: armed for the run', 'system:replay')`,
        [id],
      );
      return id;
    });
  }

  async holding(accountId: string, ticker: string): Promise<ReplayHolding> {
    const { rows } = await this.pool.query<{ cash: string; quantity: number | null; stop_price: string | null }>(
      `SELECT a.cash::text AS cash, p.quantity, p.stop_price::text AS stop_price
       FROM accounts a LEFT JOIN positions p ON p.account_id = a.id AND p.ticker = $2
       WHERE a.id = $1`,
      [accountId, ticker],
    );
    const row = rows[0];
    if (!row) throw new Error(`account ${accountId} does not exist`);
    return { cash: new Dec(row.cash), quantity: row.quantity ?? 0, stopPrice: row.stop_price === null ? null : new Dec(row.stop_price) };
  }

  /** One end_of_day snapshot per trading day; writing the same day again replaces it. */
  async recordEndOfDay(record: EndOfDayRecord): Promise<void> {
    const equity = record.cash.plus(record.positionsValue);
    await this.pool.query(
      `INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value, taken_at)
       VALUES ($1, 'end_of_day', $2, $3, $4, $5, $6)
       ON CONFLICT (account_id, trading_day, kind) WHERE kind <> 'intraday'
       DO UPDATE SET equity = EXCLUDED.equity, cash = EXCLUDED.cash, positions_value = EXCLUDED.positions_value, taken_at = EXCLUDED.taken_at`,
      [record.accountId, record.tradingDay, equity.toFixed(4), record.cash.toFixed(4), record.positionsValue.toFixed(4), record.takenAt],
    );
  }

  async endOfDayCurve(accountId: string): Promise<EquityPoint[]> {
    const { rows } = await this.pool.query<{ day: string; equity: string }>(
      `SELECT to_char(trading_day, 'YYYY-MM-DD') AS day, equity::text AS equity FROM equity_snapshots
       WHERE account_id = $1 AND kind = 'end_of_day' ORDER BY trading_day`,
      [accountId],
    );
    return rows.map((r) => ({ day: r.day, equity: new Dec(r.equity) }));
  }
}
