import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { KIS_PATHS } from "../../src/adapters/broker/kis/environments.js";
import { executeOrder, type ExecutionDeps } from "../../src/app/orders/execute-order.js";
import type { OrderRequest } from "../../src/domain/orders/order-request.js";
import { Dec, dec } from "../../src/domain/decimal.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN, price } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";
import { brokerFor, keyspace, startFake } from "./harness.js";

/** Before a live BUY the desk asks KIS what the account may buy (inquire-psamount), outside the account's lock. */
const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let fake: KisFake;
let live: string;
let shadow: string;
let n = 0;
/** One token cache for the file: KIS issues a token a minute per app key. */
const ks = keyspace(prefix);

beforeAll(async () => {
  fake = await startFake();
  live = await createAccount(db.dataSource, { name: "live", cash: "1000", live: { phase: "small" } });
  shadow = await createAccount(db.dataSource, { name: "shadow", cash: "1000" });
  await price(db.dataSource, "NKE", "63.03", new Date(MARKET_OPEN.getTime() - 30_000));
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.unhang(KIS_PATHS.psamount);
  fake.account.setCash("real", "100000.00");
  fake.account.setPsamount("real", undefined);
  fake.requests.length = 0;
});

/** Paper for the shadow account, KIS (real environment, the fake) for the live one: as the desk wires them. */
function deps(o: { timeoutMs?: number } = {}): ExecutionDeps {
  return executionDeps(db.dataSource, { slippageBps: 0, commission: new Dec(0), kisBroker: brokerFor(fake, redis, "real", ks, { timeoutMs: o.timeoutMs ?? 2000 }) });
}

function buy(accountId: string, quantity: number, limitPrice?: string): OrderRequest {
  n += 1;
  return { accountId, idempotencyKey: `bp-${n}`, source: "operator", side: "BUY", ticker: "NKE", quantity, ...(limitPrice ? { limitPrice } : {}), requestedBy: "tg:1" };
}

const posts = () => fake.requests.filter((r) => r.path === KIS_PATHS.order);
const psamounts = () => fake.requests.filter((r) => r.path === KIS_PATHS.psamount);
const ordersOf = async (accountId: string) => (await db.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM orders WHERE account_id = $1`, [accountId]))[0]!.n;

describe("a live BUY and the broker's buying power", () => {
  it("is refused before any order POST when it costs more than KIS lets the account use", async () => {
    fake.account.setCash("real", "50.00");
    const before = await ordersOf(live);
    const outcome = await executeOrder(deps(), buy(live, 1, "63.10"));
    expect(outcome).toMatchObject({ status: "refused", refusals: [{ code: "broker_buying_power", message: "needs about $63.10, the broker lets this account buy for $50.00" }] });
    expect(posts()).toHaveLength(0);
    expect(await ordersOf(live)).toBe(before); // refused before anything was recorded
    // Asked with KIS's fields: the order's exchange, price (as sent) and ticker.
    expect(psamounts().map((r) => [r.method, r.headers.tr_id, r.body])).toEqual([["GET", "TTTS3007R", { CANO: "50012345", ACNT_PRDT_CD: "01", OVRS_EXCG_CD: "NYSE", OVRS_ORD_UNPR: "63.10", ITEM_CD: "NKE" }]]);
  });

  it("is refused when KIS would accept fewer shares than asked", async () => {
    fake.account.setPsamount("real", { max_ord_psbl_qty: "1" });
    const outcome = await executeOrder(deps(), buy(live, 2, "63.10"));
    expect(outcome).toMatchObject({ status: "refused", refusals: [{ code: "broker_buying_power", message: "the broker accepts at most 1 NKE now, not 2" }] });
    expect(posts()).toHaveLength(0);
  });

  it("goes to KIS once, after the buying-power query, when it is covered", async () => {
    fake.account.setCash("real", "63.10");
    const outcome = await executeOrder(deps(), buy(live, 1, "63.10"));
    expect(outcome.status).toBe("resting");
    expect(fake.requests.filter((r) => r.path !== KIS_PATHS.token).map((r) => r.path)).toEqual([KIS_PATHS.psamount, KIS_PATHS.order]);
  });

  it("asks at the marketable limit a market order is sent at", async () => {
    fake.setQuote("NYS", "NKE", { last: "63.03", base: "62.50", tvol: "1200" });
    expect((await executeOrder(deps(), buy(live, 1))).status).toBe("resting");
    expect(psamounts()[0]!.body.OVRS_ORD_UNPR).toBe("63.66");
    expect(posts()[0]!.body.OVRS_ORD_UNPR).toBe("63.66");
  });

  it.each([
    ["an HTTP 500 without rt_cd", { http: 500 }, "KIS: no clear answer"],
    ["a refusal", { http: 200, rt_cd: "1", msg_cd: "APBK1664", msg1: "조회 불가" }, "KIS APBK1664: 조회 불가"],
  ])("fails closed on %s: refused with the reason, counted as a failed broker call", async (_name, fault, reason) => {
    await db.dataSource.query(`UPDATE kill_switch_states SET consecutive_api_errors = 0 WHERE account_id = $1`, [live]);
    fake.fail(KIS_PATHS.psamount, fault);
    const outcome = await executeOrder(deps(), buy(live, 1, "63.10"));
    expect(outcome.status).toBe("refused");
    const refusal = outcome.status === "refused" ? outcome.refusals : [];
    expect(refusal).toHaveLength(1);
    expect(refusal[0]!.code).toBe("broker_buying_power");
    expect(refusal[0]!.message).toContain(`could not be read (${reason}`);
    expect(posts()).toHaveLength(0);
    const [state] = await db.dataSource.query<{ n: number }[]>(`SELECT consecutive_api_errors AS n FROM kill_switch_states WHERE account_id = $1`, [live]);
    expect(state!.n).toBe(1);
  });

  it("is asked while the account is not locked: a hanging query holds no lock, then refuses", async () => {
    fake.hang(KIS_PATHS.psamount);
    const asked = fake.nextRequest(KIS_PATHS.psamount);
    const pending = executeOrder(deps({ timeoutMs: 1500 }), buy(live, 1, "63.10"));
    await asked;
    // The kill-switch row the order path locks is free while KIS is being asked.
    const runner = db.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      expect(await runner.query(`SELECT state FROM kill_switch_states WHERE account_id = $1 FOR UPDATE NOWAIT`, [live])).toHaveLength(1);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    const outcome = await pending;
    expect(outcome.status === "refused" && outcome.refusals.map((r) => r.code)).toEqual(["broker_buying_power"]);
    expect(posts()).toHaveLength(0);
  });

  it("leaves paper accounts alone: the shadow BUY fills without KIS being asked", async () => {
    fake.account.setCash("real", "0.00");
    const outcome = await executeOrder(deps(), buy(shadow, 1, "63.10"));
    expect(outcome.status).toBe("filled");
    expect(fake.requests).toHaveLength(0);
  });

  it("does not ask before a SELL", async () => {
    await db.dataSource.query(`UPDATE kill_switch_states SET consecutive_api_errors = 0 WHERE account_id = $1`, [live]);
    await db.dataSource.query(`INSERT INTO positions (account_id, ticker, quantity, cost_basis) VALUES ($1, 'NKE', 1, 63.03) ON CONFLICT (account_id, ticker) DO UPDATE SET quantity = 1, cost_basis = 63.03`, [live]);
    const outcome = await executeOrder(deps(), { ...buy(live, 1, "63.00"), side: "SELL" });
    expect(outcome.status).toBe("resting");
    expect(psamounts()).toHaveLength(0);
    await db.dataSource.query(`DELETE FROM positions WHERE account_id = $1`, [live]);
  });
});

describe("KisBroker.buyingPower (inquire-psamount)", () => {
  it.each(["paper", "real"] as const)("reads the smallest orderable USD and quantity on %s, the price rounded up to its tick", async (env) => {
    const broker = brokerFor(fake, redis, env, ks);
    fake.account.setCash(env, "1000.00");
    // An integrated-margin account counts won it would exchange in some figures: the desk books USD only.
    fake.account.setPsamount(env, { frcr_ord_psbl_amt1: "2500.00", ovrs_max_ord_psbl_qty: "39", ord_psbl_qty: "" });
    const power = await broker.buyingPower({ ticker: "NVDA", price: dec("63.031") });
    expect([power.cash.toFixed(2), power.maxQuantity, power.price.toFixed(2)]).toEqual(["1000.00", 15, "63.04"]);
    const asked = psamounts().at(-1)!;
    expect([asked.headers.tr_id, asked.body.OVRS_EXCG_CD, asked.body.OVRS_ORD_UNPR, asked.body.ITEM_CD]).toEqual([env === "real" ? "TTTS3007R" : "VTTS3007R", "NASD", "63.04", "NVDA"]);
    fake.account.setPsamount(env, undefined);
  });

  it.each([
    ["no USD figure", { ord_psbl_frcr_amt: "", ovrs_ord_psbl_amt: "", frcr_ord_psbl_amt1: "" }],
    ["no quantity", { max_ord_psbl_qty: "", ord_psbl_qty: "", ovrs_max_ord_psbl_qty: "" }],
    ["figures in won", { tr_crcy_cd: "KRW" }],
  ])("throws on an answer with %s", async (_name, fields) => {
    fake.account.setPsamount("real", fields);
    await expect(brokerFor(fake, redis, "real", ks).buyingPower({ ticker: "NKE", price: dec("63") })).rejects.toMatchObject({ code: "BAD_RESPONSE" });
  });
});
