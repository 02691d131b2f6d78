import { afterEach, beforeEach, expect, it } from "vitest";
import { KIS_PATHS } from "../../src/adapters/broker/kis/environments.js";
import { KisHttp } from "../../src/adapters/broker/kis/http.js";
import { TokenCache } from "../../src/adapters/broker/kis/token-cache.js";
import { KisHistory } from "../../src/adapters/market-data/kis/history.js";
import { dailyBarTime } from "../../src/domain/market-time.js";
import type { FakeDay } from "../support/kis-fake/quotations.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { useTestRedis } from "../support/redis.js";
import { APPS, keyspace, startFake } from "./harness.js";

const { redis, prefix } = useTestRedis();
let fake: KisFake;
beforeEach(async () => {
  fake = await startFake();
});
afterEach(async () => {
  await fake.close();
});

function history(env: "paper" | "real" = "paper"): KisHistory {
  const appKey = env === "paper" ? "PAPERKEY0001" : "REALKEY0001";
  const tokens = new TokenCache({ redis, prefix: keyspace(prefix), env, baseUrl: fake.url, appKey, appSecret: APPS[appKey].secret });
  return new KisHistory({ http: new KisHttp({ env, baseUrl: fake.url, appKey, appSecret: APPS[appKey].secret, tokens, ratePerSecond: 1000 }) });
}

/** `n` weekdays from 2024-01-02 on, with prices that tell the day apart. */
function weekdays(n: number): FakeDay[] {
  const out: FakeDay[] = [];
  for (let d = Date.UTC(2024, 0, 2); out.length < n; d += 86_400_000) {
    const day = new Date(d);
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
    const i = out.length;
    out.push({ date: day.toISOString().slice(0, 10).replaceAll("-", ""), open: `${100 + i}.1000`, high: `${101 + i}.2500`, low: `${99 + i}.0000`, close: `${100 + i}.5000`, volume: String(1_000_000 + i) });
  }
  return out;
}

const iso = (yyyymmdd: string) => `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;

it("walks the daily quotation backwards page by page and returns the bars oldest first, at the New York close", async () => {
  const days = weekdays(260);
  fake.setDaily("NAS", "NVDA", days);
  fake.market.dailyPageSize = 100;
  const until = new Date(`${iso(days[249]!.date)}T23:00:00Z`); // evening in New York of day 249
  const bars = await history().dailyBars("NVDA", 220, until);
  expect(bars).toHaveLength(220);
  const first = days[30]!;
  const last = days[249]!;
  expect(bars[0]).toEqual({
    ticker: "NVDA",
    time: dailyBarTime(iso(first.date), "America/New_York"),
    open: expect.anything(),
    high: expect.anything(),
    low: expect.anything(),
    close: expect.anything(),
    adjClose: expect.anything(),
    volume: 1_000_030n,
    source: "kis:daily",
  });
  expect([bars[0]!.open, bars[0]!.high, bars[0]!.low, bars[0]!.close, bars[0]!.adjClose].map(String)).toEqual(["130.1", "131.25", "129", "130.5", "130.5"]);
  expect(bars.at(-1)!.time).toEqual(dailyBarTime(iso(last.date), "America/New_York"));
  for (let i = 1; i < bars.length; i++) expect(bars[i]!.time.getTime()).toBeGreaterThan(bars[i - 1]!.time.getTime());
  const asked = fake.requests.filter((r) => r.path === KIS_PATHS.dailyPrice);
  expect(asked.map((r) => r.body.BYMD)).toEqual([last.date, dayBefore(days[150]!.date), dayBefore(days[50]!.date)]);
  for (const r of asked) {
    expect(r.headers.tr_id).toBe("HHDFS76240000");
    expect(r.body).toMatchObject({ AUTH: "", EXCD: "NAS", SYMB: "NVDA", GUBN: "0", MODP: "1" });
  }
});

it("returns what there is when KIS has fewer days, and nothing after `until`", async () => {
  const days = weekdays(40);
  fake.setDaily("NAS", "NVDA", days);
  const bars = await history("real").dailyBars("NVDA", 100, new Date(`${iso(days[34]!.date)}T21:00:00Z`));
  expect(bars).toHaveLength(35);
  expect(bars.at(-1)!.close.toString()).toBe("134.5");
});

it("finds the exchange of an unknown ticker (NAS, NYS, then AMS) and skips rows without valid prices", async () => {
  const days = weekdays(5);
  days[2] = { ...days[2]!, close: "", open: "0" };
  fake.setDaily("NYS", "ZZZ", days);
  const bars = await history().dailyBars("ZZZ", 10, new Date(`${iso(days[4]!.date)}T21:00:00Z`));
  expect(bars.map((b) => b.close.toString())).toEqual(["100.5", "101.5", "103.5", "104.5"]);
  // NAS has nothing; NYS answers, and a second page before its oldest day comes back empty.
  expect(fake.requests.filter((r) => r.path === KIS_PATHS.dailyPrice).map((r) => r.body.EXCD)).toEqual(["NAS", "NYS", "NYS"]);
  expect(await history().dailyBars("ZZZ", 0, new Date())).toEqual([]);
});

function dayBefore(yyyymmdd: string): string {
  return new Date(Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8)) - 86_400_000).toISOString().slice(0, 10).replaceAll("-", "");
}
