import type pg from "pg";
import type { DataSource } from "typeorm";
import type { AccountStore, PhaseChange, ShadowAccountSeed } from "../../../app/ports/account-store.js";
import { Dec } from "../../../domain/decimal.js";
import type { AccountMode, Broker, Phase } from "../../../domain/vocabulary.js";
import { pgPool } from "../pool.js";
import { inTransaction } from "../transaction.js";

/** Cash plus each open position at its newest price (at cost when it has none), as the pre-trade view counts it. */
export const EQUITY_OF_A = `a.cash + COALESCE((
    SELECT sum(CASE WHEN lp.close IS NULL THEN p.cost_basis ELSE lp.close * p.quantity END)
    FROM positions p
    LEFT JOIN LATERAL (SELECT s.close FROM stock_prices s WHERE s.ticker = p.ticker ORDER BY s.time DESC LIMIT 1) lp ON true
    WHERE p.account_id = a.id AND p.quantity > 0), 0)`;

export class AccountRepository implements AccountStore {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  async createFirstShadowAccount(seed: ShadowAccountSeed): Promise<string | undefined> {
    // Every start asks; only an empty installation pays for the table lock.
    const { rows: existing } = await this.pool.query<{ any: boolean }>("SELECT EXISTS (SELECT 1 FROM accounts) AS any");
    if (existing[0]?.any) return undefined;
    return inTransaction(
      this.pool,
      async (client) => {
        // SHARE ROW EXCLUSIVE conflicts with itself and with every insert: two processes starting
        // at once take turns, and the second sees the first one's account.
        await client.query("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE");
        const { rows } = await client.query<{ id: string }>(
          `INSERT INTO accounts (name, mode, broker, phase, starting_capital, cash, phase_start_equity)
           SELECT $1::text, 'shadow', 'paper', 'shadow', $2::numeric, $2::numeric, $2::numeric
           WHERE NOT EXISTS (SELECT 1 FROM accounts) RETURNING id`,
          [seed.name, seed.startingCapital.toFixed()],
        );
        const id = rows[0]?.id;
        if (!id) return undefined;
        // Paper money is armed at once; a live account keeps the table default (HALTED).
        await client.query("INSERT INTO kill_switch_states (account_id, state, reason, actor) VALUES ($1, 'ACTIVE', $2, $3)", [id, seed.armedReason, seed.actor]);
        await client.query(
          `INSERT INTO audit_log (actor, action, account_id, subject, details)
           VALUES ($1, 'account.created', $2, $3, jsonb_build_object('mode', 'shadow', 'broker', 'paper', 'phase', 'shadow', 'startingCapital', $4::text))`,
          [seed.actor, id, seed.name, seed.startingCapital.toFixed()],
        );
        return id;
      },
      { lock_timeout: "30s" },
    );
  }

  async brokerOf(accountId: string): Promise<Broker | undefined> {
    const { rows } = await this.pool.query<{ broker: Broker }>({ name: "account_broker", text: "SELECT broker FROM accounts WHERE id = $1", values: [accountId] });
    return rows[0]?.broker;
  }

  async phaseOf(accountId: string): Promise<{ phase: Phase; mode: AccountMode } | undefined> {
    const { rows } = await this.pool.query<{ phase: Phase; mode: AccountMode }>("SELECT phase, mode FROM accounts WHERE id = $1", [accountId]);
    return rows[0];
  }

  changePhase(change: PhaseChange): Promise<{ phaseStartEquity: Dec } | undefined> {
    return inTransaction(this.pool, async (client) => {
      // The row lock of the UPDATE serialises this with fills (they lock the account row too).
      const { rows } = await client.query<{ phase_start_equity: string }>(
        `UPDATE accounts a SET phase = $3, phase_started_at = $4, phase_start_equity = round(${EQUITY_OF_A}, 4), updated_at = now()
         WHERE a.id = $1 AND a.phase = $2 RETURNING a.phase_start_equity::text AS phase_start_equity`,
        [change.accountId, change.from, change.to, change.at],
      );
      const equity = rows[0]?.phase_start_equity;
      if (equity === undefined) return undefined;
      await client.query("INSERT INTO audit_log (actor, action, account_id, subject, details) VALUES ($1, $2, $3, $4, $5)", [
        change.actor,
        change.action,
        change.accountId,
        `${change.from} -> ${change.to}`,
        { ...change.details, from: change.from, to: change.to, phaseStartEquity: equity },
      ]);
      return { phaseStartEquity: new Dec(equity) };
    });
  }
}
