import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeOrder } from "../../src/app/orders/execute-order.js";
import { reconcileUnknownOrders } from "../../src/app/orders/reconcile-unknown-orders.js";
import { syncBrokerFills } from "../../src/app/orders/sync-broker-fills.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN, price } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";
import { brokerFor, keyspace, startFake } from "./harness.js";

/** An order whose answer never came: reconciled through the fills query, never sent twice. */
const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
const ORDER_PATH = "/uapi/overseas-stock/v1/trading/order";
let fake: KisFake;

beforeAll(async () => {
  fake = await startFake();
});
afterAll(async () => {
  await fake.close();
});

describe("an order that times out at KIS", () => {
  it("is marked unknown, counted as a failed call, found again among the broker's orders, and its fill booked once", async () => {
    const accountId = await createAccount(db.dataSource, { name: "Live", cash: "1000", live: { phase: "small" } });
    await price(db.dataSource, "NKE", "63.03", new Date(MARKET_OPEN.getTime() - 30_000));
    const execution = executionDeps(db.dataSource, { kisBroker: brokerFor(fake, redis, "paper", keyspace(prefix), { timeoutMs: 500 }) });

    fake.hang(ORDER_PATH); // the order is placed, the answer never arrives
    const outcome = await executeOrder(execution, { accountId, idempotencyKey: "lost", source: "operator", side: "BUY", ticker: "NKE", quantity: 2, limitPrice: "63.10", requestedBy: "tg:1" });
    expect(outcome.status).toBe("unknown");
    fake.unhang(ORDER_PATH);
    const [counted] = await db.dataSource.query<{ n: number }[]>(`SELECT consecutive_api_errors AS n FROM kill_switch_states WHERE account_id = $1`, [accountId]);
    expect(counted!.n).toBe(1);

    expect(await reconcileUnknownOrders(execution)).toEqual({ found: 1, notPlaced: 0, pending: 0 });
    expect(await syncBrokerFills(execution)).toEqual({ orders: 1, booked: 1, failed: 0 });
    expect(await reconcileUnknownOrders(execution)).toEqual({ found: 0, notPlaced: 0, pending: 0 });
    expect(fake.count(ORDER_PATH)).toBe(1); // never resubmitted

    const [order] = await db.dataSource.query<{ status: string; broker_order_id: string }[]>(`SELECT status, broker_order_id FROM orders WHERE account_id = $1`, [accountId]);
    expect(order!.status).toBe("filled");
    const [position] = await db.dataSource.query<{ quantity: number; cost_basis: string }[]>(`SELECT quantity, cost_basis::text FROM positions WHERE account_id = $1`, [accountId]);
    expect(position).toEqual({ quantity: 2, cost_basis: "126.2000" });
  });
});
