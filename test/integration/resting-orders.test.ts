import { describe, expect, it } from "vitest";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { executeOrder, type ExecutionDeps } from "../../src/app/orders/execute-order.js";
import { afterPriceBatch, matchRestingOrders } from "../../src/app/orders/match-resting-orders.js";
import { recordPriceBatch } from "../../src/app/prices/record-price-batch.js";
import { Dec } from "../../src/domain/decimal.js";
import type { PriceBar } from "../../src/domain/prices.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, flatBar } from "../support/desk.js";

const db = useTestDatabase();
// Tuesday 2026-11-24, 11:00 New York: the market is open.
const NOW = new Date("2026-11-24T16:00:00Z");

function deps(notifier = new RecordingNotifier()): ExecutionDeps {
  return executionDeps(db.dataSource, { clock: { now: () => NOW }, notifier });
}

function bar(ticker: string, close: string, secondsAgo: number): PriceBar {
  return flatBar(ticker, close, new Date(NOW.getTime() - secondsAgo * 1000));
}

/** Stores the bars as the price feed does, then matches: what every caller of recordPriceBatch runs. */
async function feed(d: ExecutionDeps, bars: PriceBar[]) {
  await recordPriceBatch({ prices: new PriceRepository(db.dataSource), killSwitch: d.killSwitch }, bars);
  return afterPriceBatch(d, bars);
}

async function restingBuy(d: ExecutionDeps, accountId: string, ticker: string, limit: string, key: string): Promise<string> {
  const outcome = await executeOrder(d, { accountId, idempotencyKey: key, source: "operator", side: "BUY", ticker, quantity: 10, limitPrice: limit, requestedBy: "tg:1" });
  if (outcome.status !== "resting") throw new Error(`expected a resting order, got ${JSON.stringify(outcome)}`);
  return outcome.orderId;
}

async function one<T>(sql: string, params: unknown[]): Promise<T> {
  const rows: T[] = await db.dataSource.query(sql, params);
  return rows[0]!;
}

describe("resting paper limit orders", () => {
  it("a BUY limit 95 rests at 100 and fills, at the limit or better, when a batch brings 94.50; twice books once", async () => {
    const account = await createAccount(db.dataSource);
    const notifier = new RecordingNotifier();
    const d = deps(notifier);
    await feed(d, [bar("RSA", "100", 60)]);
    const orderId = await restingBuy(d, account, "RSA", "95", "limit-95");

    const above = await feed(d, [bar("RSA", "96", 40)]);
    expect(above.filled).toEqual([]);
    expect(await one(`SELECT status FROM orders WHERE id = $1`, [orderId])).toEqual({ status: "submitted" });

    const crossed = await feed(d, [bar("RSA", "94.50", 20)]);
    expect(crossed.failures).toEqual([]);
    expect(crossed.filled.map((f) => [f.orderId, f.fills.length])).toEqual([[orderId, 1]]);
    const fill = crossed.filled[0]!.fills[0]!;
    // 94.50 + 5 bps = 94.54725: better than the limit.
    expect(fill.price.toFixed()).toBe("94.54725");
    expect(fill.price.lte(95)).toBe(true);
    expect(await one(`SELECT status, filled_quantity, average_fill_price::text FROM orders WHERE id = $1`, [orderId])).toEqual({
      status: "filled",
      filled_quantity: 10,
      average_fill_price: "94.547250",
    });
    // 945.4725 booked as 945.47 (to the cent, half-up) + $1 commission.
    expect(await one(`SELECT cash::text FROM accounts WHERE id = $1`, [account])).toEqual({ cash: "99053.53" });
    expect(await one(`SELECT gross_amount::text, commission::text, net_amount::text FROM fills WHERE order_id = $1`, [orderId])).toEqual({
      gross_amount: "945.47",
      commission: "1.00",
      net_amount: "-946.47",
    });
    expect(await one(`SELECT quantity FROM positions WHERE account_id = $1 AND ticker = 'RSA'`, [account])).toEqual({ quantity: 10 });
    expect(notifier.alerts.filter((a) => a.kind === "fill").map((a) => a.title)).toEqual(["BUY 10 RSA @ 94.55"]);

    const again = await feed(d, [bar("RSA", "94.50", 20)]);
    expect(again.filled).toEqual([]);
    expect(await one(`SELECT count(*)::int AS n FROM fills WHERE order_id = $1`, [orderId])).toEqual({ n: 1 });
  });

  it("books once when two matchers see the same crossing price at the same time", async () => {
    const account = await createAccount(db.dataSource);
    const d = deps();
    await feed(d, [bar("RSB", "100", 60)]);
    const orderId = await restingBuy(d, account, "RSB", "95", "limit-95b");
    await recordPriceBatch({ prices: new PriceRepository(db.dataSource), killSwitch: d.killSwitch }, [bar("RSB", "94.50", 20)]);
    const newest = new Map([["RSB", new Dec("94.50")]]);
    const results = await Promise.all([matchRestingOrders(d, newest), matchRestingOrders(d, newest), matchRestingOrders(d, newest)]);
    expect(results.flatMap((r) => r.filled).map((f) => f.orderId)).toEqual([orderId]);
    expect(await one(`SELECT count(*)::int AS n, sum(quantity)::int AS q FROM fills WHERE order_id = $1`, [orderId])).toEqual({ n: 1, q: 10 });
  });

  it("keeps a crossing BUY resting while its account is halted, and ignores a batch of older bars", async () => {
    const account = await createAccount(db.dataSource);
    const d = deps();
    await feed(d, [bar("RSC", "100", 60)]);
    const orderId = await restingBuy(d, account, "RSC", "95", "limit-95c");
    // An old bar back-filled below the limit: the newest price is still 100.
    expect((await feed(d, [bar("RSC", "90", 3600)])).filled).toEqual([]);

    await db.dataSource.query(`UPDATE kill_switch_states SET state = 'HALTED', reason = 'test: halted' WHERE account_id = $1`, [account]);
    const halted = await feed(d, [bar("RSC", "94.50", 20)]);
    expect(halted.filled).toEqual([]);
    expect(halted.held.map((h) => h.orderId)).toEqual([orderId]);
    expect(await one(`SELECT status, filled_quantity FROM orders WHERE id = $1`, [orderId])).toEqual({ status: "submitted", filled_quantity: 0 });
  });
});
