/**
 * Part 3 of bench:market-data: the polling path. KIS quotes (HHDFS00000300) for 101 held tickers
 * from the KIS fake over real HTTP, through KisQuotePoller with the desk's shared token and Redis
 * pacer (a private redis-server) at KIS's real-environment rate, into the same tick pipeline.
 */
import { resolve } from "node:path";
import { Redis } from "ioredis";
import type pg from "pg";
import { kisMarketDataHttp } from "../src/adapters/market-data/kis/market-data-http.js";
import { KisQuotePoller } from "../src/adapters/market-data/kis/quote-poller.js";
import type { KillSwitchDeps } from "../src/app/kill-switch/deps.js";
import { checkTriggers } from "../src/app/kill-switch/check-triggers.js";
import { pollPrices } from "../src/app/prices/poll-prices.js";
import type { TickPipeline } from "../src/app/prices/tick-pipeline.js";
import { startRedisServer } from "../src/local/redis-server.js";
import { createLogger } from "../src/logger.js";
import { KisFake } from "../test/support/kis-fake/server.js";
import { say } from "./harness.js";
import { seedLoadAccounts } from "./market-data-support.js";
import { createAccounts } from "./risk-fixtures.js";
import { check, formatMs, formatRate, formatSummary, summarize, type Status } from "./stats.js";

const APP = { key: "BENCHREALKEY01", secret: "bench-real-secret-01" };
const TICKERS = Array.from({ length: 100 }, (_, i) => `P${String(i).padStart(3, "0")}`);
const CRASH = "PCRSH";
const CYCLES = 4;
const POLL_EVERY_S = 60;

export interface PollingContext {
  pool: pg.Pool;
  pipeline: TickPipeline;
  killSwitch: KillSwitchDeps;
  clock: { now(): Date };
  record(metric: string, result: string, target: string, status: Status): void;
  streaming: { tickToHaltP50: number; ticksPerSecond: number };
}

export async function measurePolling(c: PollingContext): Promise<void> {
  say(`\n[3] polling: KIS quotes for ${TICKERS.length + 1} held tickers from the KIS fake over HTTP, paced at KIS's real rate (20/s per app key, market data at most half) through Redis, ${CYCLES} polls`);
  const redisServer = await startRedisServer({ dataDir: resolve("data", "bench"), port: 0, log: createLogger("warn", "bench"), persistent: false, autoInstall: false });
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const fake = await KisFake.start({ apps: { [APP.key]: { env: "real", secret: APP.secret } }, issueIntervalMs: 60_000, perSecondLimit: 20 });
  try {
    const loadIds = await seedLoadAccounts(c.pool, Array.from({ length: 20 }, (_, i) => `bench-md-poll-${String(i).padStart(2, "0")}`), TICKERS, 50, 250, createAccounts);
    const [crashId] = await createAccounts(c.pool, ["bench-md-poll-crash"], "75000");
    await c.pool.query(`INSERT INTO positions (account_id, ticker, quantity, cost_basis) VALUES ($1, $2, 250, 25000)`, [crashId, CRASH]);
    await c.pool.query(`INSERT INTO stock_prices (ticker, time, open, high, low, close, volume, source) VALUES ($1, $2, 100, 100, 100, 100, 1, 'bench')`, [CRASH, new Date(c.clock.now().getTime() - 60_000)]);
    for (const id of [...loadIds, crashId!]) await checkTriggers(c.killSwitch, id, "schedule");

    const followed = [CRASH, ...TICKERS];
    const http = kisMarketDataHttp({ env: "real", appKey: APP.key, appSecret: APP.secret, baseUrl: fake.url, redis, redisPrefix: `bench:${process.pid}:` });
    const provider = new KisQuotePoller({ http, env: "real", followed: () => Promise.resolve(followed) });
    const deps = { provider, pipeline: c.pipeline, calendar: c.killSwitch.calendar, clock: c.clock };
    const quote = (ticker: string, last: string, tvol: number) => fake.setQuote("NAS", ticker, { last, tvol: String(tvol), base: "100" });

    const cycles: number[] = [];
    let stored = 0;
    let crashSetAt = 0;
    let halted = 0;
    const unobserve = c.pipeline.observe((e) => {
      if (e.kind === "checked" && e.halted.includes("bench-md-poll-crash")) halted = performance.now();
    });
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      for (const [i, t] of TICKERS.entries()) quote(t, (100 + Math.sin(cycle + i) * 0.3).toFixed(2), 1000 * (cycle + 1));
      if (cycle === CYCLES - 1) {
        quote(CRASH, "79.00", 1000 * (cycle + 1));
        crashSetAt = performance.now();
      } else quote(CRASH, (100 + cycle * 0.1).toFixed(2), 1000 * (cycle + 1));
      const t = performance.now();
      const result = await pollPrices(deps);
      cycles.push(performance.now() - t);
      stored += result.bars ?? 0;
    }
    unobserve();
    const cycle = summarize(cycles.slice(1));
    const rate = (followed.length * (CYCLES - 1)) / (cycles.slice(1).reduce((a, b) => a + b, 0) / 1000);
    const quoteToHalt = halted - crashSetAt;
    say(`    poll cycle (${followed.length} quotes): ${formatSummary(cycle)}; ${stored} bars stored (a quote's first sight has no time yet, so the first poll stores none)`);
    say(`    throughput: ${formatRate(rate, "quotes")} through the pipeline; busiest second at the fake: ${fake.busiestSecond(APP.key)} requests; EGW00201 answered: ${fake.overLimit}`);
    say(`    crash quote set just before a poll, its ticker first in the round -> HALTED: ${formatMs(quoteToHalt)}`);
    say(`    in production the next poll comes within ${POLL_EVERY_S} s (mean ${POLL_EVERY_S / 2} s) and a ticker waits for its place in the round (mean ${formatMs(cycle.mean / 2)})`);
    const expected = POLL_EVERY_S * 500 + cycle.mean / 2 + quoteToHalt;
    c.record("polling: quotes/s (KIS real pacing)", formatRate(rate, "quotes"), "-", "info");
    c.record("  polling: quote-to-halt, mean incl. the poll wait", `${(expected / 1000).toFixed(1)} s`, `<= ${POLL_EVERY_S} s`, check(expected / 1000, "<=", POLL_EVERY_S));
    c.record("  streaming vs polling: ticks/s", `${(c.streaming.ticksPerSecond / rate).toFixed(0)}x`, "-", "info");
    c.record("  streaming vs polling: tick-to-halt (p50 vs mean)", `${(expected / c.streaming.tickToHaltP50).toFixed(0)}x faster`, "-", "info");
    if (halted === 0) throw new Error("the crash quote did not halt its account");
    if (fake.overLimit > 0) throw new Error(`the pacer let ${fake.overLimit} requests over KIS's per-second limit`);
  } finally {
    await fake.close();
    redis.disconnect();
    await redisServer.stop();
  }
}
