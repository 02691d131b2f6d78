import { afterEach, beforeEach, expect, it } from "vitest";
import { QuoteClock } from "../../src/adapters/market-data/kis/quote-clock.js";
import { dec } from "../../src/domain/decimal.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { useTestRedis } from "../support/redis.js";
import { brokerFor, keyspace, startFake } from "./harness.js";

const at = (s: number) => new Date(Date.UTC(2025, 6, 2, 14, 0, s));

it("a quote's time: unknown at first sight, kept while nothing moves, the previous poll's once it moves", () => {
  const clock = new QuoteClock();
  expect(clock.stamp("NVDA", dec("120.50"), 1000n, at(0))).toBeUndefined();
  expect(clock.stamp("NVDA", dec("120.50"), 1000n, at(10))).toBeUndefined(); // still the trade of unknown age
  expect(clock.stamp("NVDA", dec("120.50"), 1100n, at(20))).toEqual(at(10)); // traded after the poll at :10
  expect(clock.stamp("NVDA", dec("120.50"), 1100n, at(30))).toEqual(at(10)); // frozen: it ages
  expect(clock.stamp("NVDA", dec("120.60"), undefined, at(40))).toEqual(at(30)); // the price moved (volume blank)
  expect(clock.stamp("NVDA", dec("120.60"), undefined, at(50))).toEqual(at(30));
  // Other tickers are stamped on their own.
  expect(clock.stamp("NKE", dec("63.03"), 5n, at(50))).toBeUndefined();
});

it("a move after a long gap (say overnight) cannot be bounded: unknown again, not yesterday's time", () => {
  const clock = new QuoteClock(5 * 60_000);
  clock.stamp("NVDA", dec("120.50"), 1000n, at(0));
  clock.stamp("NVDA", dec("120.50"), 1200n, at(10));
  expect(clock.stamp("NVDA", dec("121.00"), 50n, new Date(at(10).getTime() + 16 * 3600_000))).toBeUndefined();
  // A frozen quote keeps its time however long the gap.
  clock.stamp("NKE", dec("63.03"), 5n, at(0));
  clock.stamp("NKE", dec("63.03"), 6n, at(10));
  expect(clock.stamp("NKE", dec("63.03"), 6n, new Date(at(10).getTime() + 16 * 3600_000))).toEqual(at(0));
});

const { redis, prefix } = useTestRedis();
let fake: KisFake;
beforeEach(async () => {
  fake = await startFake();
});
afterEach(async () => {
  await fake.close();
});

it("KisBroker.quote stamps the same way: epoch (unknown age) at first sight, never the time it asked", async () => {
  let now = at(0);
  const broker = brokerFor(fake, redis, "real", keyspace(prefix), { now: () => now });
  fake.setQuote("NAS", "NVDA", { last: "120.50", tvol: "1000" });
  expect(await broker.quote("NVDA")).toEqual({ price: dec("120.5"), at: new Date(0) });
  now = at(10);
  fake.setQuote("NAS", "NVDA", { last: "120.70", tvol: "1300" });
  expect(await broker.quote("NVDA")).toEqual({ price: dec("120.7"), at: at(0) });
  now = at(20);
  expect(await broker.quote("NVDA")).toEqual({ price: dec("120.7"), at: at(0) });
  fake.setQuote("NAS", "NVDA", { last: "", tvol: "" });
  expect(await broker.quote("NVDA")).toBeUndefined();
});
