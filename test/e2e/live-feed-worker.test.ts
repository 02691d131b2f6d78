import { mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AlpacaFake, type FakeBar } from "../support/alpaca-fake/server.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { spawnEntry, waitForOutput } from "../support/spawn.js";

const db = useTestDatabase();
const { url: redisUrl } = useTestRedis();
const dataDir = mkdtempSync(join(resolve("data"), "e2e-live-feed-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const KEY = { id: "PKE2ELIVEFEED001", secret: "e2e-live-feed-secret" };

/** Weekday bars for the 420 days before today: more than the 250 trading days the backfill asks for, whatever today is. */
function weekdayBars(): FakeBar[] {
  const bars: FakeBar[] = [];
  for (let d = 420; d >= 1; d--) {
    const day = new Date(Date.now() - d * 86_400_000);
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
    const c = (100 + (d % 17) / 4).toFixed(2);
    bars.push({ date: day.toISOString().slice(0, 10), o: c, h: (Number(c) + 1).toFixed(2), l: (Number(c) - 1).toFixed(2), c, v: 1000 + d });
  }
  return bars;
}

describe("a worker with MARKET_DATA=alpaca", () => {
  it("streams the watchlist, backfills its history, reports the feed, and says when the feed is down", { timeout: 90_000 }, async () => {
    const fake = await AlpacaFake.start({ keys: { [KEY.id]: KEY.secret } });
    fake.bars.set("NVDA", weekdayBars());
    const worker = spawnEntry("src/main/worker.ts", [], {
      DATA_DIR: dataDir, DATABASE_URL: db.url, REDIS_URL: redisUrl, HTTP_PORT: "0", WATCHDOG_EVERY_SECONDS: "1",
      MARKET_DATA: "alpaca", ALPACA_KEY_ID: KEY.id, ALPACA_SECRET_KEY: KEY.secret, ALPACA_DATA_URL: fake.url, ALPACA_STREAM_URL: fake.streamUrl, WATCHLIST: "NVDA",
    });
    try {
      await waitForOutput(worker, /worker is ready/, 60_000);
      await fake.subscribed("NVDA");
      const http = /"http":"(http:\/\/[^"]+)","jobs"/.exec(worker.output())![1]!;
      await expect.poll(async () => (await db.dataSource.query(`SELECT state FROM market_feeds WHERE name = 'alpaca:iex'`))[0]?.state, { timeout: 20_000, interval: 100 }).toBe("live");
      await expect.poll(async () => (await db.dataSource.query(`SELECT count(*)::int AS n FROM stock_prices WHERE ticker = 'NVDA' AND source = 'alpaca:iex:daily'`))[0].n, { timeout: 20_000, interval: 100 }).toBeGreaterThanOrEqual(250);
      await expect.poll(async () => ((await (await fetch(`${http}/readyz`)).json()) as { watchdog?: { feeds?: unknown } }).watchdog?.feeds, { timeout: 20_000, interval: 100 }).toEqual([{ feed: "alpaca:iex", up: true }]);

      // The key is revoked and the connection drops: the feed is down, and /readyz says so.
      fake.setKeys({});
      fake.dropConnections();
      // First the drop, then the reconnect's refusal, which names what to fix.
      const readiness = async () => {
        const res = await fetch(`${http}/readyz`);
        return `${res.status} ${((await res.json()) as { error?: { message: string } }).error?.message ?? ""}`;
      };
      await expect.poll(readiness, { timeout: 20_000, interval: 100 }).toMatch(/^503 .*market data alpaca:iex is down \(auth failed: check ALPACA_KEY_ID\/ALPACA_SECRET_KEY/);
      expect(worker.output()).not.toContain(KEY.secret);
    } finally {
      worker.kill("SIGTERM");
      expect(await new Promise((done) => worker.once("exit", done))).toBe(0);
      await fake.close();
    }
  });
});
