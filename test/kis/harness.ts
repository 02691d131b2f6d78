import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { KisBroker, type KisBrokerOptions } from "../../src/adapters/broker/kis/kis-broker.js";
import { KisFake, type FakeOptions } from "../support/kis-fake/server.js";

export const APPS = {
  PAPERKEY0001: { env: "paper" as const, secret: "PAPERSECRET0001" },
  REALKEY0001: { env: "real" as const, secret: "REALSECRET0001" },
};

export function startFake(o: Partial<FakeOptions> = {}): Promise<KisFake> {
  return KisFake.start({ apps: APPS, issueIntervalMs: 60_000, ...o });
}

/**
 * A KisBroker against the fake. `keyspace` is the Redis prefix: brokers given the same one share
 * the token like two processes would. Pacing is fast unless a test sets `ratePerSecond`.
 */
export function brokerFor(fake: KisFake, redis: Redis, env: "paper" | "real", keyspace: string, o: Partial<KisBrokerOptions> = {}): KisBroker {
  const appKey = env === "paper" ? "PAPERKEY0001" : "REALKEY0001";
  return new KisBroker({
    env,
    appKey,
    appSecret: APPS[appKey].secret,
    accountNo: "50012345",
    accountProductCode: "01",
    redis,
    redisPrefix: keyspace,
    baseUrl: fake.url,
    ratePerSecond: 1000,
    rateLimitBackoffMs: 50,
    timeoutMs: 2000,
    ...o,
  });
}

/** The configuration that points the desk at the fake: what an operator sets for a real KIS account. */
export function kisEnv(fake: KisFake, env: "paper" | "real"): Record<string, string> {
  const appKey = env === "paper" ? "PAPERKEY0001" : "REALKEY0001";
  return { KIS_ENV: env, KIS_APP_KEY: appKey, KIS_APP_SECRET: APPS[appKey].secret, KIS_ACCOUNT_NO: "50012345", KIS_ACCOUNT_PRODUCT_CODE: "01", KIS_BASE_URL: fake.url };
}

export function keyspace(prefix: string): string {
  return `${prefix}${randomBytes(4).toString("hex")}:`;
}
