import { afterEach, beforeEach, expect, it } from "vitest";
import { KIS_PATHS } from "../../src/adapters/broker/kis/environments.js";
import { TokenCache } from "../../src/adapters/broker/kis/token-cache.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { useTestRedis } from "../support/redis.js";
import { brokerFor, keyspace, startFake } from "./harness.js";

const { redis, prefix } = useTestRedis();
let fake: KisFake;
beforeEach(async () => {
  // The fake allows a token every 200 ms (KIS: one a minute); tests that refresh shorten the broker's window to match.
  fake = await startFake({ issueIntervalMs: 200 });
  fake.setQuote("NAS", "NVDA", { last: "120.50" });
});
afterEach(async () => {
  await fake.close();
});

it("two processes (two brokers sharing Redis) use one token: exactly one tokenP call, even when racing", async () => {
  const space = keyspace(prefix);
  const a = brokerFor(fake, redis, "paper", space);
  const b = brokerFor(fake, redis, "paper", space);
  await Promise.all([a.quote("NVDA"), b.quote("NVDA"), a.quote("NVDA"), b.quote("NVDA")]);
  await b.quote("NVDA");
  expect(fake.count(KIS_PATHS.token)).toBe(1);
  const tokens = new Set(fake.requests.filter((r) => r.path === KIS_PATHS.quote).map((r) => r.headers.authorization));
  expect(tokens.size).toBe(1);
});

it("stores the token under a hashed key: never the raw app key or secret", async () => {
  const space = keyspace(prefix);
  await brokerFor(fake, redis, "paper", space).quote("NVDA");
  const keys = await redis.keys(`${space}*`);
  expect(keys.length).toBeGreaterThan(0);
  for (const k of keys) {
    expect(k).not.toContain("PAPERKEY0001");
    const v = (await redis.type(k)) === "string" ? ((await redis.get(k)) ?? "") : "";
    expect(v).not.toContain("PAPERSECRET0001");
    expect(v).not.toContain("PAPERKEY0001");
  }
});

it("paper and real tokens are cached apart", async () => {
  const space = keyspace(prefix);
  await brokerFor(fake, redis, "paper", space).quote("NVDA");
  await brokerFor(fake, redis, "real", space).quote("NVDA");
  expect(fake.count(KIS_PATHS.token)).toBe(2);
});

it("an expired token (EGW00123) is refreshed once and the query retried once", async () => {
  const space = keyspace(prefix);
  const broker = brokerFor(fake, redis, "paper", space, { issueIntervalMs: 200 });
  await broker.quote("NVDA");
  await new Promise((r) => setTimeout(r, 250)); // KIS issues at most one token a minute (shortened here)
  fake.expireTokens();
  const q = await broker.quote("NVDA");
  expect(q?.price.toString()).toBe("120.5");
  expect(fake.count(KIS_PATHS.token)).toBe(2);
  const quotes = fake.requests.filter((r) => r.path === KIS_PATHS.quote);
  expect(quotes).toHaveLength(3);
  expect(quotes[1]!.headers.authorization).toBe(quotes[0]!.headers.authorization);
  expect(quotes[2]!.headers.authorization).not.toBe(quotes[1]!.headers.authorization);
  // a second process with the same Redis picks up the new token without issuing
  await brokerFor(fake, redis, "paper", space).quote("NVDA");
  expect(fake.count(KIS_PATHS.token)).toBe(2);
});

it("a second process waits for the first one's new token instead of issuing within the minute", async () => {
  const space = keyspace(prefix);
  const a = brokerFor(fake, redis, "paper", space, { issueIntervalMs: 400 });
  const b = brokerFor(fake, redis, "paper", space, { issueIntervalMs: 400 });
  await a.quote("NVDA");
  fake.expireTokens();
  // both see EGW00123 at once; one issues (when the 400 ms window allows), the other waits and reuses it
  const [qa, qb] = await Promise.all([a.quote("NVDA"), b.quote("NVDA")]);
  expect(qa?.price.toString()).toBe("120.5");
  expect(qb?.price.toString()).toBe("120.5");
  expect(fake.count(KIS_PATHS.token)).toBe(2);
  expect(fake.requests.filter((r) => r.path === KIS_PATHS.token).every((r) => r.body.appkey === "PAPERKEY0001")).toBe(true);
});

it("refreshes a token 10 minutes before it expires; a still-valid token is reused while another process holds the lock", async () => {
  let now = Date.now();
  const space = keyspace(prefix);
  const make = () => new TokenCache({ redis, prefix: space, env: "paper", baseUrl: fake.url, appKey: "PAPERKEY0001", appSecret: "PAPERSECRET0001", issueIntervalMs: 200, now: () => now });
  const first = await make().get();
  now += 86_400_000 - 11 * 60_000;
  expect(await make().get()).toBe(first); // 11 minutes left: still fine
  now += 2 * 60_000;
  await new Promise((r) => setTimeout(r, 250));
  const second = await make().get(); // 9 minutes left: refreshed
  expect(second).not.toBe(first);
  expect(await make().get()).toBe(second);
  expect(fake.count(KIS_PATHS.token)).toBe(2);
});
