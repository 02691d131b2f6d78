import { afterEach, beforeEach, expect, it } from "vitest";
import { KIS_PATHS } from "../../src/adapters/broker/kis/environments.js";
import { KisHttp } from "../../src/adapters/broker/kis/http.js";
import { InProcessKisPacer, type KisPacer } from "../../src/adapters/broker/kis/pacer.js";
import { TokenCache } from "../../src/adapters/broker/kis/token-cache.js";
import { KisExchanges } from "../../src/adapters/market-data/kis/exchanges.js";
import { kisMarketDataHttp } from "../../src/adapters/market-data/kis/market-data-http.js";
import { KisQuotePoller } from "../../src/adapters/market-data/kis/quote-poller.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { useTestRedis } from "../support/redis.js";
import { APPS, brokerFor, keyspace, startFake } from "./harness.js";

const { redis, prefix } = useTestRedis();
let fake: KisFake;
beforeEach(async () => {
  fake = await startFake();
});
afterEach(async () => {
  await fake.close();
});

const at = (s: number) => new Date(Date.UTC(2025, 6, 2, 14, 0, s));

/** What the poller logs, kept to assert on (a logger, not our code). */
function logs() {
  const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
  const put = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, fields, msg });
  return { lines, log: { debug: put("debug"), warn: put("warn") } as never };
}

function poller(env: "paper" | "real", followed: string[], o: { pacer?: KisPacer; marketDataWaitMs?: number; exchanges?: KisExchanges; log?: never } = {}) {
  const appKey = env === "paper" ? "PAPERKEY0001" : "REALKEY0001";
  const tokens = new TokenCache({ redis, prefix: keyspace(prefix), env, baseUrl: fake.url, appKey, appSecret: APPS[appKey].secret });
  const http = new KisHttp({ env, baseUrl: fake.url, appKey, appSecret: APPS[appKey].secret, tokens, ratePerSecond: 1000, pacer: o.pacer, marketDataWaitMs: o.marketDataWaitMs });
  return new KisQuotePoller({ http, env, followed: () => Promise.resolve(followed), exchanges: o.exchanges, log: o.log });
}

it("polls every followed ticker; a bar is reported once its time is known, stamped no later than its trade", async () => {
  const p = poller("paper", ["NVDA", "NKE"]);
  expect(p).toMatchObject({ name: "kis", alwaysOpen: false });
  fake.setQuote("NAS", "NVDA", { last: "120.5000", tvol: "1000" });
  fake.setQuote("NYS", "NKE", { last: " 63.03 ", tvol: "" });
  expect(await p.poll(at(0))).toEqual([]); // first sight: the age of the last trade is unknown
  fake.setQuote("NAS", "NVDA", { last: "120.7500", tvol: "1300" });
  // Each bar is handed over as soon as it is fetched: NVDA's before NKE has even been asked.
  const nkeAsked = () => fake.requests.filter((r) => r.path === KIS_PATHS.quote && r.body.SYMB === "NKE").length;
  const askedBefore = nkeAsked();
  const early: [string, number][] = [];
  const second = await p.poll(at(30), (bar) => early.push([bar.ticker, nkeAsked() - askedBefore]));
  expect(early).toEqual([["NVDA", 0]]);
  expect(second).toEqual([{ ticker: "NVDA", time: at(0), open: expect.anything(), high: expect.anything(), low: expect.anything(), close: expect.anything(), adjClose: null, volume: 1300n, source: "kis:rest" }]);
  expect([second[0]!.open, second[0]!.high, second[0]!.low, second[0]!.close].map(String)).toEqual(["120.75", "120.75", "120.75", "120.75"]);
  fake.setQuote("NYS", "NKE", { last: "63.10", tvol: "" });
  const third = await p.poll(at(60));
  expect(third.map((b) => [b.ticker, b.time, b.close.toString(), b.volume])).toEqual([
    ["NVDA", at(0), "120.75", 1300n], // frozen: it keeps its time and ages
    ["NKE", at(30), "63.1", 0n],
  ]);
  const quotes = fake.requests.filter((r) => r.path === KIS_PATHS.quote);
  expect(quotes.map((r) => [r.headers.tr_id, r.body])).toContainEqual(["HHDFS00000300", { AUTH: "", EXCD: "NYS", SYMB: "NKE" }]);
});

it("a ticker of unknown exchange is tried on NAS, NYS, then AMS, and the one that answered is remembered (and shared)", async () => {
  const exchanges = new KisExchanges();
  const p = poller("real", ["ZZZ"], { exchanges });
  fake.setQuote("AMS", "ZZZ", { last: "5.00", tvol: "10" });
  await p.poll(at(0));
  fake.setQuote("AMS", "ZZZ", { last: "5.01", tvol: "11" });
  expect((await p.poll(at(30))).map((b) => b.close.toString())).toEqual(["5.01"]);
  expect(fake.requests.filter((r) => r.path === KIS_PATHS.quote).map((r) => r.body.EXCD)).toEqual(["NAS", "NYS", "AMS", "AMS"]);
  expect(exchanges.known("ZZZ")).toBe("AMS");
});

it("a ticker whose quote fails is skipped and logged; the others are still reported", async () => {
  const { lines, log } = logs();
  const p = poller("paper", ["NVDA", "MSFT", "NOPE"], { log });
  fake.setQuote("NAS", "NVDA", { last: "120.50", tvol: "1" });
  fake.setQuote("NAS", "MSFT", { last: "400.00", tvol: "1" });
  await p.poll(at(0));
  fake.setQuote("NAS", "NVDA", { last: "120.60", tvol: "2" });
  fake.setQuote("NAS", "MSFT", { last: "401.00", tvol: "2" });
  fake.fail(KIS_PATHS.quote, { http: 500, rt_cd: "1", msg_cd: "APBK1234", msg1: "종목코드 오류\u0007입니다.  " });
  const bars = await p.poll(at(30));
  expect(bars.map((b) => b.ticker)).toEqual(["MSFT"]);
  const warned = lines.filter((l) => l.level === "warn").map((l) => [l.fields.ticker, l.fields.reason]);
  expect(warned).toContainEqual(["NVDA", "KIS APBK1234: 종목코드 오류 입니다."]);
  expect(warned).toContainEqual(["NOPE", "KIS has no last price for it"]);
});

it("throws, saying so, only when every followed ticker failed", async () => {
  const p = poller("paper", ["NOPE", "NADA"]);
  await expect(p.poll(at(0))).rejects.toThrow(/^KIS quotes failed for every followed ticker \(2\); first: NOPE: KIS has no last price for it$/);
  expect(await poller("paper", []).poll(at(0))).toEqual([]);
});

it("when orders hold the shared budget the ticker is skipped this round ('paced'), not failed, and nothing is sent", async () => {
  const pacer = new InProcessKisPacer();
  const key = { baseUrl: fake.url, appKey: "PAPERKEY0001" };
  for (let i = 0; i < 5; i++) await pacer.book(key, "trading", 2); // orders booked 2.5 s ahead
  const { lines, log } = logs();
  const tokens = new TokenCache({ redis, prefix: keyspace(prefix), env: "paper", baseUrl: fake.url, appKey: key.appKey, appSecret: APPS.PAPERKEY0001.secret });
  const http = new KisHttp({ env: "paper", baseUrl: fake.url, appKey: key.appKey, appSecret: APPS.PAPERKEY0001.secret, tokens, ratePerSecond: 2, pacer, marketDataWaitMs: 50 });
  const p = new KisQuotePoller({ http, env: "paper", followed: () => Promise.resolve(["NVDA"]), log });
  expect(await p.poll(at(0))).toEqual([]);
  expect(fake.count(KIS_PATHS.quote)).toBe(0);
  expect(lines).toContainEqual({ level: "debug", fields: { ticker: "NVDA", reason: "the shared KIS budget is busy (orders first)" }, msg: "KIS quote skipped this round" });
});

it("the poller built by kisMarketDataHttp shares the broker's token (same Redis prefix): one issuance", async () => {
  const space = keyspace(prefix);
  fake.setQuote("NAS", "NVDA", { last: "120.50", tvol: "1" });
  await brokerFor(fake, redis, "paper", space).quote("NVDA");
  const http = kisMarketDataHttp({ env: "paper", appKey: "PAPERKEY0001", appSecret: APPS.PAPERKEY0001.secret, baseUrl: fake.url, redis, redisPrefix: space });
  await new KisQuotePoller({ http, env: "paper", followed: () => Promise.resolve(["NVDA"]) }).poll(at(0));
  expect(fake.count(KIS_PATHS.quote)).toBe(2);
  expect(fake.count(KIS_PATHS.token)).toBe(1);
  expect(new Set(fake.requests.filter((r) => r.path === KIS_PATHS.quote).map((r) => r.headers.authorization)).size).toBe(1);
});
