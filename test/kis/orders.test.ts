import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KIS_PATHS } from "../../src/adapters/broker/kis/environments.js";
import { formatLimit, marketableLimit } from "../../src/adapters/broker/kis/prices.js";
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

const limit = (side: "BUY" | "SELL", ticker: string, quantity: number, price: string) => ({ orderId: "o1", accountId: "a1", side, ticker, quantity, orderType: "limit" as const, limitPrice: dec(price) });
const market = (side: "BUY" | "SELL", ticker: string, quantity: number) => ({ orderId: "o2", accountId: "a1", side, ticker, quantity, orderType: "market" as const, limitPrice: null });

describe("order POST is never retried", () => {
  it("a timed-out order is unknown, was POSTed exactly once, and is reconciled by findOrders and fills", async () => {
    const broker = brokerFor(fake, redis, "paper", keyspace(prefix), { timeoutMs: 400 });
    const before = new Date(Date.now() - 1000);
    fake.hang(KIS_PATHS.order);
    const result = await broker.submit(limit("BUY", "NVDA", 5, "120.50"));
    expect(result.status).toBe("unknown");
    expect(result.status === "unknown" && result.detail).toMatch(/KIS: no clear answer/);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.count(KIS_PATHS.order)).toBe(1);

    const found = await broker.findOrders({ ticker: "NVDA", side: "BUY", from: before });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ ticker: "NVDA", side: "BUY", quantity: 5, filledQuantity: 5, unfilledQuantity: 0 });
    // Placed just now: read from the Korean date and time (dmst_ord_dt, thco_ord_tmd), not the local ord_dt/ord_tmd as if Korean.
    expect(Math.abs(found[0]!.at!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(await broker.findOrders({ ticker: "NVDA", side: "SELL", from: before })).toEqual([]);
    const fills = await broker.fills(found[0]!.brokerOrderId);
    expect(fills).toHaveLength(1);
    expect(fills[0]!.quantity).toBe(5);
    expect(fills[0]!.price.toFixed(2)).toBe("120.50");
    expect(fills[0]!.brokerFillId).toBe(`${found[0]!.brokerOrderId}-5`);
    expect(fake.count(KIS_PATHS.order)).toBe(1);
  });

  it.each([
    ["HTTP 500 without rt_cd", { http: 500 }],
    ["an unparseable answer", { http: 200, raw: "<html>gateway</html>" }],
    ["HTTP 502 html", { http: 502, raw: "Bad Gateway" }],
  ])("%s is unknown, not retried", async (_name, fault) => {
    const broker = brokerFor(fake, redis, "paper", keyspace(prefix));
    fake.fail(KIS_PATHS.order, fault);
    expect((await broker.submit(limit("BUY", "NVDA", 1, "120.50"))).status).toBe("unknown");
    expect(fake.count(KIS_PATHS.order)).toBe(1);
  });

  it("a clear refusal is rejected with msg_cd and trimmed msg1, even as HTTP 500; expired token and rate limit are not retried for orders", async () => {
    const broker = brokerFor(fake, redis, "real", keyspace(prefix));
    fake.fail(KIS_PATHS.order, { http: 500, rt_cd: "1", msg_cd: "APBK0656", msg1: "주문가능금액을 초과 하였습니다   " });
    expect(await broker.submit(limit("BUY", "NVDA", 1, "120.50"))).toEqual({ status: "rejected", reason: "KIS APBK0656: 주문가능금액을 초과 하였습니다" });
    fake.rateLimit(1);
    expect(await broker.submit(limit("BUY", "NVDA", 1, "120.50"))).toEqual({ status: "rejected", reason: "KIS: rate limit" });
    fake.expireTokens();
    expect(await broker.submit(limit("BUY", "NVDA", 1, "120.50"))).toEqual({ status: "rejected", reason: "KIS: token expired" });
    expect(fake.count(KIS_PATHS.order)).toBe(3);
    expect(fake.orders).toHaveLength(0);
  });

  it("no token (EGW00133, issued too often) is a rejection before any order POST", async () => {
    fake.setQuote("NAS", "NVDA", { last: "120.50" });
    await brokerFor(fake, redis, "paper", keyspace(prefix)).quote("NVDA");
    const unshared = brokerFor(fake, redis, "paper", keyspace(prefix)); // a process not sharing the Redis cache
    expect(await unshared.submit(limit("BUY", "NVDA", 1, "120.50"))).toEqual({ status: "rejected", reason: "KIS: token issued too often (1/min)" });
    expect(fake.count(KIS_PATHS.order)).toBe(0);
  });
});

describe("prices", () => {
  it("a market order is a marketable limit 1% through the last price, rounded to cents inside the collar", async () => {
    const broker = brokerFor(fake, redis, "paper", keyspace(prefix));
    fake.setQuote("NYS", "NKE", { last: "  63.03 " });
    expect((await broker.submit(market("BUY", "NKE", 2))).status).toBe("accepted");
    expect((await broker.submit(market("SELL", "NKE", 2))).status).toBe("accepted");
    const bodies = fake.requests.filter((r) => r.path === KIS_PATHS.order).map((r) => r.body);
    expect(bodies.map((b) => [b.OVRS_ORD_UNPR, b.ORD_DVSN, b.OVRS_EXCG_CD])).toEqual([
      ["63.66", "00", "NYSE"], // 63.6603 -> down
      ["62.40", "00", "NYSE"], // 62.3997 -> up
    ]);
    expect(fake.requests.filter((r) => r.path === KIS_PATHS.order).map((r) => r.headers.tr_id)).toEqual(["VTTT1002U", "VTTT1001U"]);
  });

  it("formats limits with 2 decimals, 4 under $1, never dropping cents", () => {
    expect(marketableLimit("BUY", dec("100"), 1)).toBe("101.00");
    expect(marketableLimit("SELL", dec("100"), 1)).toBe("99.00");
    expect(marketableLimit("BUY", dec("0.5123"), 1)).toBe("0.5174");
    expect(marketableLimit("SELL", dec("0.5123"), 1)).toBe("0.5072");
    expect(formatLimit("BUY", dec("63.039"))).toBe("63.03");
    expect(formatLimit("SELL", dec("63.031"))).toBe("63.04");
    expect(formatLimit("BUY", dec("63.1"))).toBe("63.10");
    expect(formatLimit("BUY", dec("63"))).toBe("63.00");
  });

  it("a market order without a last price is rejected before any POST", async () => {
    const broker = brokerFor(fake, redis, "paper", keyspace(prefix));
    expect((await broker.submit(market("BUY", "ZZZZ", 1))).status).toBe("rejected");
    expect(fake.count(KIS_PATHS.order)).toBe(0);
  });

  it("parses quotes with spaces; blank last is no quote", async () => {
    const broker = brokerFor(fake, redis, "real", keyspace(prefix), { exchanges: { XYZ: "AMEX" } });
    fake.setQuote("AMS", "XYZ", { last: " 12.3400 ", base: "12.00", tvol: " 1000 " });
    expect((await broker.quote("XYZ"))?.price.toFixed(4)).toBe("12.3400");
    expect(await broker.quote("NONE")).toBeUndefined();
  });
});

describe("queries", () => {
  it("positions across NASD, NYSE and AMEX with paging; blank filler rows dropped", async () => {
    await fake.close();
    fake = await startFake({ balancePageSize: 2 });
    fake.setHoldings("paper", "NASD", [{ ticker: "NVDA", quantity: 10 }, { ticker: "AAPL", quantity: 3 }, { ticker: "MSFT", quantity: 1 }]);
    fake.setHoldings("paper", "NYSE", [{ ticker: "NKE", quantity: 7 }]);
    fake.setHoldings("paper", "AMEX", [{ ticker: "SPY", quantity: 2 }, { ticker: "GLD", quantity: 4 }, { ticker: "IWM", quantity: 5 }, { ticker: "DIA", quantity: 6 }, { ticker: "EEM", quantity: 8 }]);
    fake.blankFillerRows(true);
    const broker = brokerFor(fake, redis, "paper", keyspace(prefix));
    const positions = await broker.positions("a1");
    expect(positions.sort((a, b) => a.ticker.localeCompare(b.ticker))).toEqual(
      [["AAPL", 3], ["DIA", 6], ["EEM", 8], ["GLD", 4], ["IWM", 5], ["MSFT", 1], ["NKE", 7], ["NVDA", 10], ["SPY", 2]].map(([ticker, quantity]) => ({ ticker, quantity })),
    );
    const calls = fake.requests.filter((r) => r.path === KIS_PATHS.balance);
    expect(calls.map((r) => [r.body.OVRS_EXCG_CD, r.headers.tr_cont])).toEqual([["NASD", ""], ["NASD", "N"], ["NYSE", ""], ["AMEX", ""], ["AMEX", "N"], ["AMEX", "N"]]);
    const next = calls[1]!;
    expect(String(next.body.CTX_AREA_NK200)).toHaveLength(200);
    expect(String(next.body.CTX_AREA_FK200)).toHaveLength(200);
  });

  it("fills page through inquire-ccnl (15 rows a page on paper), partial fills, empty answers", async () => {
    const broker = brokerFor(fake, redis, "paper", keyspace(prefix));
    fake.blankFillerRows(true);
    expect(await broker.fills("0000009999")).toEqual([]); // KIOK0560 with one blank object
    fake.setFillRule((o) => (o.quantity > 1 ? Math.floor(o.quantity / 2) : 0));
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await broker.submit(limit(i % 2 ? "SELL" : "BUY", "NVDA", 4, "120.5"));
      if (r.status === "accepted") ids.push(r.brokerOrderId);
    }
    expect(ids).toHaveLength(20);
    fake.requests.length = 0;
    const first = await broker.fills(ids[0]!); // the oldest order: on the second page
    expect(first.map((f) => [f.quantity, f.price.toFixed(2), f.brokerFillId])).toEqual([[2, "120.50", `${ids[0]!}-2`]]);
    const pages = fake.requests.filter((r) => r.path === KIS_PATHS.ccnl);
    expect(pages.map((r) => r.headers.tr_cont)).toEqual(["", "N"]);
    const resting = await broker.findOrders({ ticker: "NVDA", side: "SELL", from: new Date(Date.now() - 60_000) });
    expect(resting).toHaveLength(10);
    expect(resting.every((o) => o.unfilledQuantity === 2)).toBe(true);
  });

  it("an empty fills answer as rt_cd 1 KIOK0560 is an empty list too", async () => {
    const broker = brokerFor(fake, redis, "real", keyspace(prefix));
    fake.fail(KIS_PATHS.ccnl, { http: 200, rt_cd: "1", msg_cd: "KIOK0560", msg1: "조회할 내용이 없습니다" });
    expect(await broker.fills("0000000001")).toEqual([]);
  });
});
