import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KIS_PATHS } from "../../src/adapters/broker/kis/environments.js";
import { KisError } from "../../src/adapters/broker/kis/errors.js";
import { KisHttp } from "../../src/adapters/broker/kis/http.js";
import { TokenCache } from "../../src/adapters/broker/kis/token-cache.js";
import { dec } from "../../src/domain/decimal.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { useTestRedis } from "../support/redis.js";
import { brokerFor, keyspace, startFake } from "./harness.js";

const { redis, prefix } = useTestRedis();
let fake: KisFake;
beforeEach(async () => {
  fake = await startFake();
});
afterEach(async () => {
  await fake.close();
});

const order = (side: "BUY" | "SELL", ticker = "NKE") => ({ orderId: "o1", accountId: "a1", side, ticker, quantity: 3, orderType: "limit" as const, limitPrice: dec("63.03") });

const TRS = {
  paper: { buy: "VTTT1002U", sell: "VTTT1001U", cancel: "VTTT1004U", balance: "VTTS3012R", ccnl: "VTTS3035R" },
  real: { buy: "TTTT1002U", sell: "TTTT1006U", cancel: "TTTT1004U", balance: "TTTS3012R", ccnl: "TTTS3035R" },
};

describe.each(["paper", "real"] as const)("KIS contract on %s", (env) => {
  it("sends every call with the documented method, path, headers, tr_id and an UPPERCASE string body", async () => {
    const broker = brokerFor(fake, redis, env, keyspace(prefix));
    fake.setQuote("NYS", "NKE", { last: "63.03", base: "62.00" });
    const buy = await broker.submit(order("BUY"));
    const sell = await broker.submit(order("SELL"));
    expect(buy).toEqual({ status: "accepted", brokerOrderId: expect.stringMatching(/^\d{10}$/) });
    expect(sell.status).toBe("accepted");
    await broker.quote("NKE");
    await broker.positions("a1");
    await broker.fills("0000000000");

    const calls = fake.requests.filter((r) => r.path !== KIS_PATHS.token);
    for (const r of calls) {
      expect(r.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(r.headers.authorization).toMatch(/^Bearer tok-/);
      expect(r.headers.appkey).toBe(env === "paper" ? "PAPERKEY0001" : "REALKEY0001");
      expect(r.headers.custtype).toBe("P");
      expect(r.headers.tr_cont).toBe("");
      for (const [k, v] of Object.entries(r.body)) {
        expect(k).toMatch(/^[A-Z0-9_]+$/);
        expect(typeof v).toBe("string");
      }
    }
    const orders = calls.filter((r) => r.path === KIS_PATHS.order);
    expect(orders.map((r) => [r.method, r.headers.tr_id])).toEqual([["POST", TRS[env].buy], ["POST", TRS[env].sell]]);
    expect(orders[0]!.body).toEqual({ CANO: "50012345", ACNT_PRDT_CD: "01", OVRS_EXCG_CD: "NYSE", PDNO: "NKE", ORD_QTY: "3", OVRS_ORD_UNPR: "63.03", CTAC_TLNO: "", MGCO_APTM_ODNO: "", SLL_TYPE: "", ORD_SVR_DVSN_CD: "0", ORD_DVSN: "00" });
    expect(orders[1]!.body.SLL_TYPE).toBe("00");
    const quote = calls.find((r) => r.path === KIS_PATHS.quote)!;
    expect([quote.method, quote.headers.tr_id, quote.body]).toEqual(["GET", "HHDFS00000300", { AUTH: "", EXCD: "NYS", SYMB: "NKE" }]);
    const balances = calls.filter((r) => r.path === KIS_PATHS.balance);
    expect(balances.map((r) => [r.method, r.headers.tr_id, r.body.OVRS_EXCG_CD, r.body.TR_CRCY_CD])).toEqual(["NASD", "NYSE", "AMEX"].map((x) => ["GET", TRS[env].balance, x, "USD"]));
    const ccnl = calls.find((r) => r.path === KIS_PATHS.ccnl)!;
    expect([ccnl.method, ccnl.headers.tr_id]).toEqual(["GET", TRS[env].ccnl]);
    expect(ccnl.body).toMatchObject({ PDNO: "", OVRS_EXCG_CD: "", SLL_BUY_DVSN: "00", CCLD_NCCS_DVSN: "00", ORD_DT: "", ORD_GNO_BRNO: "", ODNO: "" });
    expect(ccnl.body.ORD_STRT_DT).toMatch(/^\d{8}$/);
  });

  it("cancels with order-rvsecncl, RVSE_CNCL_DVSN_CD 02 and price 0", async () => {
    const broker = brokerFor(fake, redis, env, keyspace(prefix));
    const rest = await restingOrder(broker);
    expect(await broker.cancel(rest)).toBe(true);
    const cancel = fake.requests.find((r) => r.path === KIS_PATHS.rvsecncl)!;
    expect([cancel.method, cancel.headers.tr_id]).toEqual(["POST", TRS[env].cancel]);
    expect(cancel.body).toMatchObject({ ORGN_ODNO: rest, RVSE_CNCL_DVSN_CD: "02", OVRS_ORD_UNPR: "0", PDNO: "NKE", OVRS_EXCG_CD: "NYSE", ORD_QTY: "3" });
    expect(await broker.cancel(rest)).toBe(false); // nothing left to cancel: a refusal
  });

  it("a tr_id of the other environment is refused by the fake with a clear message", async () => {
    const appKey = env === "paper" ? "PAPERKEY0001" : "REALKEY0001";
    const secret = env === "paper" ? "PAPERSECRET0001" : "REALSECRET0001";
    const tokens = new TokenCache({ redis, prefix: keyspace(prefix), env, baseUrl: fake.url, appKey, appSecret: secret });
    const http = new KisHttp({ env, baseUrl: fake.url, appKey, appSecret: secret, tokens, ratePerSecond: 1000 });
    const wrong = env === "paper" ? TRS.real.balance : TRS.paper.balance;
    const err = await http.request({ method: "GET", path: KIS_PATHS.balance, trId: wrong, params: { CANO: "50012345" }, kind: "query" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KisError);
    expect((err as KisError).code).toBe("EGW00205");
    expect((err as KisError).message).toContain(`belongs to the ${env === "paper" ? "real" : "paper"} environment`);
    await expect(http.request({ method: "POST", path: KIS_PATHS.order, trId: "X", params: { cano: "1" }, kind: "order" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  async function restingOrder(broker: ReturnType<typeof brokerFor>): Promise<string> {
    fake.setFillRule(() => 0);
    const r = await broker.submit(order("BUY"));
    if (r.status !== "accepted") throw new Error(JSON.stringify(r));
    return r.brokerOrderId;
  }
});
