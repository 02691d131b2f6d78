import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { QueryCache } from "../../src/adapters/cache/query-cache.js";
import { createRedisOutageLog } from "../../src/adapters/redis/outage-log.js";
import { loadConfig } from "../../src/config/load.js";
import { createLogger } from "../../src/logger.js";
import { startMarketFeed, type MarketFeed } from "../../src/main/market-data.js";
import type { Runtime } from "../../src/main/runtime.js";
import { buildDesk } from "../../src/main/desk.js";
import { AlpacaFake } from "../support/alpaca-fake/server.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { startFake as startKisFake, APPS } from "../kis/harness.js";

const db = useTestDatabase();
const { redis } = useTestRedis();
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** The composition root's runtime, on the test's PostgreSQL and Redis, with `env` as the configuration. */
function runtimeWith(env: Record<string, string>): Runtime {
  const config = loadConfig({ DATABASE_URL: db.url, ...env });
  const log = createLogger("silent");
  return {
    config,
    log,
    infrastructure: { databaseUrl: db.url, redisUrl: undefined, stop: () => Promise.resolve() },
    dataSource: db.dataSource,
    redis,
    cache: new QueryCache({ ttlMs: 1000, maxEntries: 10 }),
    redisOutage: createRedisOutageLog(log),
    close: () => Promise.resolve(),
  };
}

async function feedFor(env: Record<string, string>): Promise<MarketFeed> {
  const runtime = runtimeWith(env);
  const feed = await startMarketFeed(runtime, buildDesk(runtime.config, runtime));
  cleanup.push(() => feed.close());
  return feed;
}

beforeEach(async () => {
  await db.dataSource.query(`TRUNCATE market_feeds`);
});

describe("where a price poll reports its outcome", () => {
  it("nowhere for a streaming feed: a poll must not call a dropped stream live again", async () => {
    const fake = await AlpacaFake.start({ keys: { PKWIRING00000001: "wiring-secret" } });
    cleanup.push(() => fake.close());
    const feed = await feedFor({ MARKET_DATA: "alpaca", ALPACA_KEY_ID: "PKWIRING00000001", ALPACA_SECRET_KEY: "wiring-secret", ALPACA_DATA_URL: fake.url, ALPACA_STREAM_URL: fake.streamUrl });
    await expect.poll(async () => (await db.dataSource.query(`SELECT state FROM market_feeds WHERE name = 'alpaca:iex'`))[0]?.state).toBe("live");
    expect(feed.pollStatus).toBeUndefined();
  });

  it("to the feed's monitor when the provider only polls (KIS paper); a feed no longer configured is forgotten", async () => {
    await db.dataSource.query(`INSERT INTO market_feeds (name, state, since, reported_at) VALUES ('alpaca:iex', 'live', now(), now() - interval '1 hour')`);
    const fake = await startKisFake();
    cleanup.push(() => fake.close());
    const feed = await feedFor({ MARKET_DATA: "kis", KIS_ENV: "paper", KIS_APP_KEY: "PAPERKEY0001", KIS_APP_SECRET: APPS.PAPERKEY0001.secret, KIS_ACCOUNT_NO: "50012345", KIS_BASE_URL: fake.url });
    expect(feed.pollStatus).toBeDefined();
    // The old row goes before the monitor's first report, which is written in the background.
    await expect.poll(async () => (await db.dataSource.query<{ name: string }[]>(`SELECT name FROM market_feeds`)).map((r) => r.name)).toEqual(["kis:paper"]);
    feed.pollStatus!.down("KIS quotes failed: test");
    await expect.poll(async () => (await db.dataSource.query(`SELECT state, reason FROM market_feeds WHERE name = 'kis:paper'`))[0]).toEqual({ state: "down", reason: "KIS quotes failed: test" });
  });
});
