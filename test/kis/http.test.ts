import { afterEach, beforeEach, expect, it } from "vitest";
import { KIS_PATHS } from "../../src/adapters/broker/kis/environments.js";
import { KisError } from "../../src/adapters/broker/kis/errors.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { useTestRedis } from "../support/redis.js";
import { brokerFor, keyspace, startFake } from "./harness.js";

const { redis, prefix } = useTestRedis();
let fake: KisFake;
beforeEach(async () => {
  fake = await startFake();
  fake.setQuote("NAS", "NVDA", { last: " 120.50 " });
});
afterEach(async () => {
  await fake.close();
});

it("paces paper calls to about 2 a second (in-process pacing per app key)", async () => {
  const broker = brokerFor(fake, redis, "paper", keyspace(prefix), { ratePerSecond: undefined });
  await Promise.all(Array.from({ length: 5 }, () => broker.quote("NVDA")));
  const at = fake.requests.filter((r) => r.path === KIS_PATHS.quote).map((r) => r.at);
  expect(at).toHaveLength(5);
  for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(450);
  expect(at[4]! - at[0]!).toBeGreaterThanOrEqual(1900);
});

it("backs off on EGW00201 (rate limit, HTTP 500 with rt_cd 1) and then succeeds for a query", async () => {
  const broker = brokerFor(fake, redis, "paper", keyspace(prefix), { rateLimitBackoffMs: 100 });
  await broker.quote("NVDA");
  fake.rateLimit(2);
  const q = await broker.quote("NVDA");
  expect(q?.price.toFixed(2)).toBe("120.50");
  const at = fake.requests.filter((r) => r.path === KIS_PATHS.quote).map((r) => r.at);
  expect(at).toHaveLength(4);
  expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(90);
  expect(at[3]! - at[2]!).toBeGreaterThanOrEqual(190);
});

it("gives up after a few rate-limit retries with an operator message", async () => {
  const broker = brokerFor(fake, redis, "paper", keyspace(prefix), { rateLimitBackoffMs: 10 });
  fake.rateLimit(10);
  const err = await broker.quote("NVDA").catch((e: unknown) => e);
  expect(err).toBeInstanceOf(KisError);
  expect(err).toMatchObject({ code: "EGW00201", operatorText: "KIS: rate limit", retryable: true });
});

it("parses the body on every HTTP status and trims msg1", async () => {
  const broker = brokerFor(fake, redis, "paper", keyspace(prefix));
  fake.fail(KIS_PATHS.quote, { http: 500, rt_cd: "1", msg_cd: "APBK1234", msg1: "종목코드 오류입니다.   " });
  const err = await broker.quote("NVDA").catch((e: unknown) => e);
  expect(err).toMatchObject({ code: "APBK1234", message: "종목코드 오류입니다.", operatorText: "KIS APBK1234: 종목코드 오류입니다.", retryable: false, unclear: false, httpStatus: 500 });
  // a 200 with rt_cd 1 is a failure too
  fake.fail(KIS_PATHS.quote, { http: 200, rt_cd: "1", msg_cd: "APBK0001", msg1: "x" });
  await expect(broker.quote("NVDA")).rejects.toMatchObject({ code: "APBK0001" });
});

it("a query that times out is an unclear, retryable KisError", async () => {
  const broker = brokerFor(fake, redis, "paper", keyspace(prefix), { timeoutMs: 300 });
  await broker.quote("NVDA");
  fake.hang(KIS_PATHS.quote);
  await expect(broker.quote("NVDA")).rejects.toMatchObject({ code: "TIMEOUT", unclear: true, retryable: true });
});
