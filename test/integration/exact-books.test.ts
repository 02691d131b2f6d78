import { describe, expect, it } from "vitest";
import { booksReconcileJob } from "../../jobs/books-reconcile.js";
import { BooksLedgerRepository } from "../../src/adapters/db/repositories/books-ledger-repository.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { executeOrder, type ExecutionDeps } from "../../src/app/orders/execute-order.js";
import { reconcileBooks } from "../../src/app/orders/reconcile-books.js";
import { Dec } from "../../src/domain/decimal.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN, price } from "../support/desk.js";

const db = useTestDatabase();

/** A seeded generator (Park-Miller): the same "random" run every time. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 48271) % 2147483647) / 2147483647;
}

function deps(): ExecutionDeps {
  // A sub-cent commission and 7 bps of slippage: every fill's exact amount has up to 6 decimals.
  // Random prices swing equity wildly: the loss triggers are out of the way (this test is about the books).
  return executionDeps(db.dataSource, { slippageBps: 7, commission: new Dec("0.3549"), thresholds: { dailyTradeLimit: 100_000, concentrationPct: 100, dailyLossPct: 100, maxDrawdownPct: 100 } });
}

/** The statement's rule, written out again here: each amount to the cent, half a cent up. */
function expectedAmounts(side: string, quantity: number, priceText: string, commissionText: string): { gross: string; commission: string; net: string } {
  const gross = new Dec(priceText).times(quantity).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
  const commission = new Dec(commissionText).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
  const net = side === "BUY" ? gross.plus(commission).neg() : gross.minus(commission);
  return { gross: gross.toFixed(2), commission: commission.toFixed(2), net: net.toFixed(2) };
}

/** Trades `orders` market orders on `tickers` with 6-decimal prices, buying and selling part of what is held. */
async function trade(d: ExecutionDeps, accountId: string, tickers: readonly string[], orders: number, random: () => number): Promise<number> {
  const held = new Map<string, number>();
  let filled = 0;
  for (let i = 0; i < orders; i += 1) {
    const ticker = tickers[Math.floor(random() * tickers.length)]!;
    const quote = new Dec(Math.floor(random() * 200_000_000) + 5_000_000).div(1_000_000); // 5.000000 .. 205.000000
    await price(db.dataSource, ticker, quote.toFixed(6), new Date(MARKET_OPEN.getTime() - 30_000));
    const have = held.get(ticker) ?? 0;
    const side = have > 0 && random() < 0.45 ? "SELL" : "BUY";
    const quantity = side === "SELL" ? Math.max(1, Math.floor(random() * have)) : Math.floor(random() * 40) + 1;
    const outcome = await executeOrder(d, { accountId, idempotencyKey: `books-${accountId}-${i}`, source: "operator", side, ticker, quantity, requestedBy: "tg:1" });
    expect(outcome.status, JSON.stringify(outcome)).toBe("filled");
    held.set(ticker, have + (side === "BUY" ? quantity : -quantity));
    filled += 1;
  }
  return filled;
}

describe("exact books: cash = starting capital + the fills' net amounts, to the last digit", () => {
  it("holds after 450 fills with 6-decimal prices booked through the real order path, three accounts at once", async () => {
    const d = deps();
    const accounts = await Promise.all([0, 1, 2].map(() => createAccount(db.dataSource, { cash: "1000000" })));
    const counts = await Promise.all(accounts.map((id, n) => trade(d, id, [`XA${n}`, `XB${n}`, `XC${n}`], 150, seeded(7 + n))));
    expect(counts).toEqual([150, 150, 150]);

    // Every fill carries the amounts of the rule, rounded once from its own price and quantity.
    const fills: { side: string; quantity: number; price: string; gross_amount: string; commission: string; net_amount: string }[] = await db.dataSource.query(
      `SELECT side, quantity, price::text, gross_amount::text, commission::text, net_amount::text FROM fills WHERE account_id = ANY($1::uuid[])`,
      [accounts],
    );
    expect(fills).toHaveLength(450);
    const subCent = fills.filter((f) => new Dec(f.price).times(f.quantity).decimalPlaces() > 2).length;
    expect(subCent, "most exact amounts should need rounding").toBeGreaterThan(300);
    for (const f of fills) {
      expect({ gross: f.gross_amount, commission: f.commission, net: f.net_amount }).toEqual(expectedAmounts(f.side, f.quantity, f.price, "0.3549"));
    }

    // The reconciliation finds nothing to report: cash, quantities, realised P&L and cost basis all agree.
    const report = await reconcileBooks({ ledger: new BooksLedgerRepository(db.dataSource) }, accounts);
    expect(report).toEqual({ accounts: 3, fills: 450, differences: [] });

    // And the same, summed by hand from the table.
    const rows: { cash: string; expected: string }[] = await db.dataSource.query(
      `SELECT a.cash::text, (a.starting_capital + COALESCE((SELECT sum(net_amount) FROM fills f WHERE f.account_id = a.id), 0))::text AS expected
       FROM accounts a WHERE a.id = ANY($1::uuid[])`,
      [accounts],
    );
    for (const r of rows) expect(r.cash).toBe(r.expected);
    const positions: { quantity: number; shares: number }[] = await db.dataSource.query(
      `SELECT p.quantity, (SELECT sum(CASE WHEN f.side = 'BUY' THEN f.quantity ELSE -f.quantity END)::int FROM fills f WHERE f.account_id = p.account_id AND f.ticker = p.ticker) AS shares
       FROM positions p WHERE p.account_id = ANY($1::uuid[])`,
      [accounts],
    );
    expect(positions).toHaveLength(9);
    for (const p of positions) expect(p.quantity).toBe(p.shares);
  });

  it("reports every difference and changes nothing: cash off by a cent, a position off by a share", async () => {
    const d = deps();
    const account = await createAccount(db.dataSource, { cash: "100000" });
    await trade(d, account, ["RCA"], 5, seeded(99));
    const ledger = new BooksLedgerRepository(db.dataSource);
    expect((await reconcileBooks({ ledger }, [account])).differences).toEqual([]);

    await db.dataSource.query(`UPDATE accounts SET cash = cash + 0.01 WHERE id = $1`, [account]);
    await db.dataSource.query(`INSERT INTO positions (account_id, ticker, quantity, cost_basis) VALUES ($1, 'RCB', 3, 30)`, [account]);
    const [{ cash }] = await db.dataSource.query(`SELECT cash::text FROM accounts WHERE id = $1`, [account]);
    const report = await reconcileBooks({ ledger }, [account]);
    expect(report.differences.map((x) => [x.kind, x.ticker])).toEqual([
      ["cash", null],
      ["position", "RCB"],
      ["cost_basis", "RCB"],
    ]);
    expect(report.differences[0]).toMatchObject({ accountId: account, expected: new Dec(cash).minus("0.01").toString(), actual: new Dec(cash).toString() });
    expect(report.differences[1]).toMatchObject({ expected: "0", actual: "3" });
    const [after] = await db.dataSource.query(`SELECT cash::text FROM accounts WHERE id = $1`, [account]);
    expect(after.cash).toBe(cash);

    // The hourly job tells the admins about this account, and only this one.
    const notifier = new RecordingNotifier();
    const logged: string[] = [];
    const log = { info: (_: object, message: string) => logged.push(message), error: (_: object, message: string) => logged.push(message) };
    const job = booksReconcileJob({ ledger, notifier, clock: { now: () => MARKET_OPEN }, log });
    expect(await job.process({})).toMatchObject({ differences: 3 });
    expect(notifier.alerts.map((a) => [a.kind, a.accountId, a.title, a.lines[0]])).toEqual([
      ["desk_health", account, "Books differ from the fills", `cash: books ${new Dec(cash).toString()}, fills say ${new Dec(cash).minus("0.01").toString()}`],
    ]);
    expect(logged).toEqual(["books differ from the fills"]);
  });
});
