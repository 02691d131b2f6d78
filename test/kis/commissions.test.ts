import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KIS_PATHS } from "../../src/adapters/broker/kis/environments.js";
import { BooksLedgerRepository } from "../../src/adapters/db/repositories/books-ledger-repository.js";
import { CommissionRepository } from "../../src/adapters/db/repositories/commission-repository.js";
import { confirmCommissions, type CommissionDeps } from "../../src/app/orders/confirm-commissions.js";
import { executeOrder, type ExecutionDeps } from "../../src/app/orders/execute-order.js";
import { reconcileBooks } from "../../src/app/orders/reconcile-books.js";
import { syncBrokerFills } from "../../src/app/orders/sync-broker-fills.js";
import { Dec } from "../../src/domain/decimal.js";
import { newYorkDate } from "../support/kis-fake/contract.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN, price } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";
import { brokerFor, keyspace, startFake } from "./harness.js";

/** KIS fills are booked with the desk's estimate (0); the statement's fees replace it, once, to the cent. */
const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
const ks = keyspace(prefix);
let fake: KisFake;
let live: string;
let execution: ExecutionDeps;
let deps: CommissionDeps;
let n = 0;

beforeAll(async () => {
  fake = await startFake();
  live = await createAccount(db.dataSource, { name: "live", cash: "1000", live: { phase: "small" } });
  const at = new Date(MARKET_OPEN.getTime() - 30_000);
  for (const [ticker, close] of [["NKE", "63.03"], ["ABC", "10.00"], ["XYZ", "20.00"], ["QRS", "5.00"]] as const) await price(db.dataSource, ticker, close, at);
  execution = executionDeps(db.dataSource, { slippageBps: 0, commission: new Dec(0), kisBroker: brokerFor(fake, redis, "real", ks) });
  deps = { execution, ledger: new CommissionRepository(db.dataSource) };
});
afterAll(async () => {
  await fake.close();
});

/** Places an order at KIS through the order path and books what the fake filled; returns KIS's order number. */
async function trade(side: "BUY" | "SELL", ticker: string, quantity: number, limitPrice: string): Promise<string> {
  n += 1;
  const outcome = await executeOrder(execution, { accountId: live, idempotencyKey: `c-${n}`, source: "operator", side, ticker, quantity, limitPrice, requestedBy: "tg:1" });
  if (outcome.status !== "resting") throw new Error(`expected the order to rest at KIS, got ${JSON.stringify(outcome)}`);
  await syncBrokerFills(execution);
  const [row] = await db.dataSource.query<{ odno: string }[]>(`SELECT broker_order_id AS odno FROM orders WHERE id = $1`, [outcome.orderId]);
  return row!.odno;
}

async function books() {
  const [account] = await db.dataSource.query<{ cash: string }[]>(`SELECT cash::text FROM accounts WHERE id = $1`, [live]);
  const positions = await db.dataSource.query<{ ticker: string; quantity: number; cost_basis: string; realized_pnl: string }[]>(
    `SELECT ticker, quantity, cost_basis::text, realized_pnl::text FROM positions WHERE account_id = $1 ORDER BY ticker`,
    [live],
  );
  return { cash: account!.cash, positions: Object.fromEntries(positions.map((p) => [p.ticker, [p.quantity, p.cost_basis, p.realized_pnl]])) };
}

async function fillsOf(ticker: string) {
  return db.dataSource.query<{ side: string; quantity: number; commission: string; net: string; confirmed: boolean }[]>(
    `SELECT side, quantity, commission::text, net_amount::text AS net, commission_confirmed_at IS NOT NULL AS confirmed FROM fills WHERE account_id = $1 AND ticker = $2 ORDER BY id`,
    [live, ticker],
  );
}

async function reconciled(): Promise<void> {
  expect((await reconcileBooks({ ledger: new BooksLedgerRepository(db.dataSource) }, [live])).differences).toEqual([]);
}

describe("commissions from KIS's statement", () => {
  it("waits for the statement line, then books its fee once: cash and cost basis move by the difference, the books reconcile", async () => {
    const odno = await trade("BUY", "NKE", 2, "63.10");
    expect(await books()).toEqual({ cash: "873.80", positions: { NKE: [2, "126.2000", "0.0000"] } });

    // KIS has not booked it yet: nothing changes, the fill waits.
    const early = await confirmCommissions(deps);
    expect([early.confirmed, early.waiting.map((w) => w.reason)]).toEqual([[], ["not on the broker's statement yet"]]);
    expect((await fillsOf("NKE"))[0]!.confirmed).toBe(false);

    fake.postStatement(odno, "0.32");
    const report = await confirmCommissions(deps);
    expect(report.confirmed.map((c) => [c.ticker, c.previous.toFixed(2), c.commission.toFixed(2), c.difference.toFixed(2), c.cashAfter.toFixed(2)])).toEqual([["NKE", "0.00", "0.32", "0.32", "873.48"]]);
    expect(await books()).toEqual({ cash: "873.48", positions: { NKE: [2, "126.5200", "0.0000"] } });
    expect(await fillsOf("NKE")).toEqual([{ side: "BUY", quantity: 2, commission: "0.32", net: "-126.52", confirmed: true }]);
    await reconciled();

    // Again: nothing is asked of KIS (no fill waits) and nothing changes.
    const asked = fake.count(KIS_PATHS.periodTrans);
    expect(await confirmCommissions(deps)).toEqual({ confirmed: [], waiting: [], failed: 0, noStatement: 0 });
    expect(fake.count(KIS_PATHS.periodTrans)).toBe(asked);
    expect(await books()).toEqual({ cash: "873.48", positions: { NKE: [2, "126.5200", "0.0000"] } });
    const [audit] = await db.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'fill.commission_confirmed'`);
    expect(audit!.n).toBe(1);
  });

  it("books a SELL's fees (commission and SEC fee) against its realised P&L", async () => {
    const odno = await trade("SELL", "NKE", 1, "63.10");
    // 63.10 received less half of 126.52.
    expect((await books()).positions.NKE).toEqual([1, "63.2600", "-0.1600"]);
    fake.postStatement(odno, "0.16", "0.01");
    expect((await confirmCommissions(deps)).confirmed.map((c) => c.difference.toFixed(2))).toEqual(["0.17"]);
    expect(await books()).toEqual({ cash: "936.41", positions: { NKE: [1, "63.2600", "-0.3300"] } });
    await reconciled();
  });

  it("splits one statement line over the fills the desk booked in parts, to the cent", async () => {
    fake.setFillRule(() => 1);
    const odno = await trade("BUY", "ABC", 3, "10.00");
    fake.orders.find((o) => o.odno === odno)!.filled = 3;
    await syncBrokerFills(execution);
    fake.setFillRule((o) => o.quantity);
    expect((await fillsOf("ABC")).map((f) => f.quantity)).toEqual([1, 2]);

    fake.postStatement(odno, "0.10");
    expect((await confirmCommissions(deps)).confirmed.map((c) => c.commission.toFixed(2))).toEqual(["0.03", "0.07"]);
    expect((await books()).positions.ABC).toEqual([3, "30.1000", "0.0000"]);
    await reconciled();
  });

  it("realises a BUY's commission when its shares were sold before the statement came", async () => {
    const bought = await trade("BUY", "XYZ", 1, "20.00");
    const sold = await trade("SELL", "XYZ", 1, "20.00");
    fake.postStatement(bought, "0.05");
    fake.postStatement(sold, "0.05", "0.01");
    const report = await confirmCommissions(deps);
    expect(report.confirmed.map((c) => [c.side, c.difference.toFixed(2)])).toEqual([["BUY", "0.05"], ["SELL", "0.06"]]);
    expect((await books()).positions.XYZ).toEqual([0, "0.0000", "-0.1100"]);
    await reconciled();
  });

  it("waits while the statement's shares for the day differ from the desk's fills", async () => {
    const odno = await trade("BUY", "QRS", 2, "5.00");
    const order = fake.orders.find((o) => o.odno === odno)!;
    fake.account.addTrade("real", { date: newYorkDate(order), ticker: "QRS", side: "BUY", quantity: 1, price: "5.00", commission: "0.01" });
    const before = await books();
    const report = await confirmCommissions(deps);
    expect(report.confirmed).toEqual([]);
    expect(report.waiting.map((w) => w.reason)).toEqual([expect.stringMatching(/shares that day, the desk's fills 2$/)]);
    expect(await books()).toEqual(before);
  });

  it("a statement that cannot be read leaves every fill for the next run and counts as a failed broker call", async () => {
    await db.dataSource.query(`UPDATE kill_switch_states SET consecutive_api_errors = 0 WHERE account_id = $1`, [live]);
    fake.fail(KIS_PATHS.periodTrans, { http: 500 });
    const report = await confirmCommissions(deps);
    expect([report.confirmed, report.failed]).toEqual([[], 1]);
    const [state] = await db.dataSource.query<{ n: number }[]>(`SELECT consecutive_api_errors AS n FROM kill_switch_states WHERE account_id = $1`, [live]);
    expect(state!.n).toBe(1);
  });

  it("two runs at once confirm a fill once", async () => {
    // The QRS day is completed on the statement (its second share); both runs find the fill unconfirmed.
    const order = fake.orders.find((o) => o.ticker === "QRS")!;
    fake.account.addTrade("real", { date: newYorkDate(order), ticker: "QRS", side: "BUY", quantity: 1, price: "5.00", commission: "0.02" });
    const runs = await Promise.all([confirmCommissions(deps), confirmCommissions(deps)]);
    expect(runs.flatMap((r) => r.confirmed).map((c) => c.ticker)).toEqual(["QRS"]);
    expect((await fillsOf("QRS"))[0]!.commission).toBe("0.03");
    await reconciled();
  });

  it("KIS paper keeps no statement: the estimate stands and nothing is asked", async () => {
    const paperKis = { execution: executionDeps(db.dataSource, { slippageBps: 0, commission: new Dec(0), kisBroker: brokerFor(fake, redis, "paper", keyspace(prefix)) }), ledger: deps.ledger };
    await trade("BUY", "ABC", 1, "10.00");
    const asked = fake.count(KIS_PATHS.periodTrans);
    expect(await confirmCommissions(paperKis)).toMatchObject({ confirmed: [], noStatement: 1 });
    expect(fake.count(KIS_PATHS.periodTrans)).toBe(asked);
  });
});
