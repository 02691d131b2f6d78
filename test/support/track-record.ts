import type { DataSource } from "typeorm";
import { Dec } from "../../src/domain/decimal.js";

const DAY = 86_400_000;

/**
 * A shadow record that passes the promotion gate, written as the desk would have written it:
 * the phase began `days` calendar days before `now`, and every round trip is a filled BUY and a
 * filled SELL of 10 shares (two winners of $100 for each loser of $30: win rate 66.67%, profit
 * factor 6.67), with one end-of-day mark after each, and cash moved by the fills' net amounts
 * so the books still reconcile. Returns the round trips' realised P&L total.
 */
export async function seedPassingRecord(dataSource: DataSource, accountId: string, now: Date, options: { days?: number; roundTrips?: number; ticker?: string } = {}): Promise<Dec> {
  const days = options.days ?? 150;
  const roundTrips = options.roundTrips ?? 30;
  const ticker = options.ticker ?? "KO";
  const started = new Date(now.getTime() - days * DAY);
  const [account] = await dataSource.query<{ starting_capital: string }[]>(`SELECT starting_capital::text FROM accounts WHERE id = $1`, [accountId]);
  if (!account) throw new Error(`no account ${accountId}`);
  await dataSource.query(`UPDATE accounts SET phase_started_at = $2, phase_start_equity = starting_capital WHERE id = $1`, [accountId, started]);
  let equity = new Dec(account.starting_capital);
  let total = new Dec(0);
  const step = Math.floor((days - 2) / roundTrips) * DAY;
  for (let i = 0; i < roundTrips; i++) {
    const at = new Date(started.getTime() + DAY + i * step + 15 * 3_600_000);
    const win = i % 3 !== 2;
    const exit = win ? "110" : "97";
    const pnl = win ? 100 : -30;
    const day = at.toISOString().slice(0, 10);
    for (const [side, price, realized] of [["BUY", "100", null], ["SELL", exit, String(pnl)]] as const) {
      const [order] = await dataSource.query<{ id: string }[]>(
        `INSERT INTO orders (account_id, idempotency_key, source, side, ticker, quantity, order_type, status, filled_quantity, average_fill_price, requested_by, trading_day, created_at)
         VALUES ($1, $2, 'operator', $3, $4, 10, 'market', 'filled', 10, $5, 'seed', $6, $7) RETURNING id`,
        [accountId, `seed-${i}-${side}`, side, ticker, price, day, at],
      );
      await dataSource.query(
        `INSERT INTO fills (order_id, account_id, ticker, side, quantity, price, commission, realized_pnl, filled_at) VALUES ($1, $2, $3, $4, 10, $5, 0, $6, $7)`,
        [order!.id, accountId, ticker, side, price, realized, at],
      );
    }
    total = total.plus(pnl);
    equity = equity.plus(pnl);
    await dataSource.query(
      `INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value, taken_at) VALUES ($1, 'end_of_day', $2, $3, $3, 0, $4)`,
      [accountId, day, equity.toFixed(2), new Date(at.getTime() + 3_600_000)],
    );
  }
  // Cash is starting capital plus the fills' net amounts (no commission: 10 x the price move).
  await dataSource.query(`UPDATE accounts SET cash = starting_capital + $2 WHERE id = $1`, [accountId, total.toFixed(2)]);
  return total;
}
