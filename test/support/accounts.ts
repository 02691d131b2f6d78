import type { DataSource } from "typeorm";
import { Dec } from "../../src/domain/decimal.js";
import type { KillSwitchState } from "../../src/domain/vocabulary.js";

let counter = 0;

/** Inserts a shadow/paper account (or, with `live`, a live KIS account in that phase) and its kill-switch row; returns the account id. */
export async function createAccount(
  dataSource: DataSource,
  options: { name?: string; cash?: string; state?: KillSwitchState; live?: { phase: "live-prep" | "micro" | "small" } } = {},
): Promise<string> {
  counter += 1;
  const name = options.name ?? `acct-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
  const cash = options.cash ?? "100000";
  const [row] = await dataSource.query(
    `INSERT INTO accounts (name, mode, broker, phase, starting_capital, cash, phase_start_equity) VALUES ($1, $3, $4, $5, $2, $2, $2) RETURNING id`,
    [name, cash, options.live ? "live" : "shadow", options.live ? "kis" : "paper", options.live?.phase ?? "shadow"],
  );
  await dataSource.query(`INSERT INTO kill_switch_states (account_id, state, reason) VALUES ($1, $2, $3)`, [
    row.id,
    options.state ?? "ACTIVE",
    options.state === "HALTED" ? "test: halted" : "test: armed",
  ]);
  return row.id as string;
}

/** Gives an account a position (no cash moves: a test fixture, not a trade). */
export async function holdPosition(dataSource: DataSource, accountId: string, ticker: string, quantity: number, averagePrice: string): Promise<void> {
  await dataSource.query(
    `INSERT INTO positions (account_id, ticker, quantity, cost_basis) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_id, ticker) DO UPDATE SET quantity = EXCLUDED.quantity, cost_basis = EXCLUDED.cost_basis`,
    [accountId, ticker, quantity, new Dec(averagePrice).times(quantity).toFixed()],
  );
}
