import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeOrder } from "../../src/app/orders/execute-order.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN, price } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";
import { brokerFor, keyspace, startFake } from "./harness.js";

/** What a broker says is text from outside: cleaned and cut before it reaches the order row or the trader. */
const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let fake: KisFake;

beforeAll(async () => {
  fake = await startFake();
});
afterAll(async () => {
  await fake.close();
});

const ORDER_PATH = "/uapi/overseas-stock/v1/trading/order";

describe("a broker's refusal text", () => {
  it("with a NUL byte, control characters and 5,000 characters is stored and answered cleaned and cut; the order is settled, not left new", async () => {
    const accountId = await createAccount(db.dataSource, { cash: "1000", live: { phase: "micro" } });
    await price(db.dataSource, "NKE", "63.03", new Date(MARKET_OPEN.getTime() - 30_000));
    fake.setQuote("NYS", "NKE", { last: " 63.03", base: "62.50", tvol: "1200" });
    fake.fail(ORDER_PATH, { rt_cd: "1", msg_cd: "APBK0656", msg1: `refused\u0000 by\u0007 the ${"x".repeat(5000)}` });
    const execution = executionDeps(db.dataSource, { slippageBps: 0, kisBroker: brokerFor(fake, redis, "paper", keyspace(prefix)) });

    const outcome = await executeOrder(execution, { accountId, idempotencyKey: "nul", source: "operator", side: "BUY", ticker: "NKE", quantity: 1, requestedBy: "tg:1" });
    if (outcome.status !== "rejected") throw new Error(`expected a rejection, got ${JSON.stringify(outcome).slice(0, 200)}`);
    expect(outcome.reason.startsWith("KIS APBK0656: refused by the xxx")).toBe(true);
    expect([...outcome.reason].filter((c) => c.charCodeAt(0) < 0x20)).toEqual([]);
    expect(outcome.reason.length).toBeLessThanOrEqual(500);
    const [row] = await db.dataSource.query(`SELECT status, status_reason FROM orders WHERE account_id = $1`, [accountId]);
    expect(row).toEqual({ status: "rejected", status_reason: outcome.reason });
  });
});
