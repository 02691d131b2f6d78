import { describe, expect, it } from "vitest";
import { migrateDown, migrateUp } from "../../src/adapters/db/data-source.js";
import { BooksLedgerRepository } from "../../src/adapters/db/repositories/books-ledger-repository.js";
import { reconcileBooks } from "../../src/app/orders/reconcile-books.js";
import { useTestDatabase } from "../support/database.js";

const db = useTestDatabase();
const MIGRATION = "ExactFillAmounts1764100000000";

/** Reverts migrations until ExactFillAmounts is undone (later ones, whoever wrote them, go first). */
async function revertExactFillAmounts(): Promise<void> {
  const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM migrations WHERE timestamp >= 1764100000000`);
  expect(await migrateDown(db.dataSource, n)).toBe(n);
  expect((await db.dataSource.query(`SELECT 1 FROM migrations WHERE name = $1`, [MIGRATION])).length).toBe(0);
}

async function scale(table: string, column: string): Promise<number | undefined> {
  const rows: { numeric_scale: number }[] = await db.dataSource.query(
    `SELECT numeric_scale FROM information_schema.columns WHERE table_name = $1 AND column_name = $2`,
    [table, column],
  );
  return rows[0]?.numeric_scale;
}

/** Books written by the old rule: every cash change the exact amount rounded half-even to 4 places. */
async function legacyBooks(): Promise<{ traded: string; untouched: string }> {
  const insertAccount = async (name: string, cash: string) => {
    const [row] = await db.dataSource.query(
      `INSERT INTO accounts (name, mode, broker, phase, starting_capital, cash, phase_start_equity) VALUES ($1, 'shadow', 'paper', 'shadow', 100000, $2, 100000) RETURNING id`,
      [name, cash],
    );
    return row.id as string;
  };
  // -8.996869 -> -8.9969, -30.045 -> -30.0450, +11.37349 -> +11.3735: 100000 - 27.6684.
  const traded = await insertAccount("legacy", "99972.3316");
  const [order] = await db.dataSource.query(
    `INSERT INTO orders (account_id, idempotency_key, source, side, ticker, quantity, order_type, requested_by, trading_day, status)
     VALUES ($1, 'legacy', 'operator', 'BUY', 'LGA', 100, 'market', 'tg:1', '2026-11-20', 'filled') RETURNING id`,
    [traded],
  );
  for (const [side, quantity, price, commission, realized, id] of [
    ["BUY", 7, "1.234567", "0.3549", "0", "1"],
    ["BUY", 3, "10.015", "0", "0", "2"],
    ["SELL", 5, "2.345678", "0.3549", "-8.1476", "3"],
  ] as const) {
    await db.dataSource.query(
      `INSERT INTO fills (order_id, account_id, ticker, side, quantity, price, commission, realized_pnl, broker_fill_id, filled_at) VALUES ($1, $2, 'LGA', $3, $4, $5, $6, $7, $8, now())`,
      [order.id, traded, side, quantity, price, commission, realized, id],
    );
  }
  await db.dataSource.query(`INSERT INTO positions (account_id, ticker, quantity, cost_basis, realized_pnl) VALUES ($1, 'LGA', 5, 19.5210, -8.1476)`, [traded]);
  // A position from outside the fills (as a fixture or a broker import would make it): left alone.
  const untouched = await insertAccount("outside", "75000.1234");
  await db.dataSource.query(`INSERT INTO positions (account_id, ticker, quantity, cost_basis) VALUES ($1, 'OUT', 10, 250.1234)`, [untouched]);
  return { traded, untouched };
}

describe("migration ExactFillAmounts", () => {
  it("back-fills the fills' amounts by the rule, restates cash and positions with an audit row, and has a real down", async () => {
    await revertExactFillAmounts();
    expect(await scale("accounts", "cash")).toBe(4);
    const { traded, untouched } = await legacyBooks();

    expect(await migrateUp(db.dataSource)).toContain(MIGRATION);
    expect(await scale("accounts", "cash")).toBe(2);
    expect(await scale("accounts", "starting_capital")).toBe(2);
    expect(await scale("fills", "commission")).toBe(2);

    const fills = await db.dataSource.query(
      `SELECT side, gross_amount::text, commission::text, net_amount::text, realized_pnl::text FROM fills WHERE account_id = $1 ORDER BY id`,
      [traded],
    );
    expect(fills).toEqual([
      { side: "BUY", gross_amount: "8.64", commission: "0.35", net_amount: "-8.99", realized_pnl: "0.0000" },
      { side: "BUY", gross_amount: "30.05", commission: "0.00", net_amount: "-30.05", realized_pnl: "0.0000" }, // 30.045: half a cent up
      // cost 39.04, half of it removed: 19.52; 11.38 - 19.52.
      { side: "SELL", gross_amount: "11.73", commission: "0.35", net_amount: "11.38", realized_pnl: "-8.1400" },
    ]);
    const accounts = await db.dataSource.query(`SELECT name, starting_capital::text, cash::text FROM accounts ORDER BY name`);
    expect(accounts).toEqual([
      { name: "legacy", starting_capital: "100000.00", cash: "99972.34" }, // 100000 - 8.99 - 30.05 + 11.38
      { name: "outside", starting_capital: "100000.00", cash: "75000.12" },
    ]);
    const positions = await db.dataSource.query(`SELECT ticker, quantity, cost_basis::text, realized_pnl::text FROM positions ORDER BY ticker`);
    expect(positions).toEqual([
      { ticker: "LGA", quantity: 5, cost_basis: "19.5200", realized_pnl: "-8.1400" },
      { ticker: "OUT", quantity: 10, cost_basis: "250.1234", realized_pnl: "0.0000" },
    ]);
    const audit = await db.dataSource.query(`SELECT actor, action, account_id, details FROM audit_log WHERE action = 'books.restated'`);
    expect(audit).toEqual([
      {
        actor: "system:migration",
        action: "books.restated",
        account_id: traded,
        details: { rule: "fill amounts to the cent, half-up", cashBefore: "99972.3316", cashAfter: "99972.3400", difference: "0.0084" },
      },
    ]);
    const report = await reconcileBooks({ ledger: new BooksLedgerRepository(db.dataSource) }, [traded]);
    expect(report.differences).toEqual([]);
    // The amounts are the database's own: nothing can write others.
    await expect(db.dataSource.query(`UPDATE fills SET net_amount = net_amount + 0.01 WHERE account_id = $1`, [traded])).rejects.toThrow(/can only be updated to DEFAULT/);
    expect(untouched).toBeTruthy();

    await revertExactFillAmounts();
    expect(await scale("accounts", "cash")).toBe(4);
    expect(await scale("fills", "commission")).toBe(4);
    const columns = await db.dataSource.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'fills' AND column_name IN ('gross_amount', 'net_amount')`);
    expect(columns).toEqual([]);
    expect(await migrateUp(db.dataSource)).toContain(MIGRATION);
  });
});
