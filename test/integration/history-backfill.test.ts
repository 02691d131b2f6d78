import { randomBytes } from "node:crypto";
import { QueueEvents } from "bullmq";
import { DateTime } from "luxon";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { historyBackfillJob } from "../../jobs/history-backfill.js";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { WarRoomRepository } from "../../src/adapters/db/repositories/warroom-repository.js";
import { ReplayHistory } from "../../src/adapters/market-data/replay-history.js";
import { loadReplaySeries } from "../../src/adapters/market-data/replay-provider.js";
import { startJobRunner } from "../../src/adapters/queue/job-runner.js";
import { backfillHistory, type BackfillDeps, type BackfillResult } from "../../src/app/prices/backfill-history.js";
import { createMarketCalendar } from "../../src/domain/market-calendar.js";
import { dailyBarTime } from "../../src/domain/market-time.js";
import type { PriceBar } from "../../src/domain/prices.js";
import { createLogger } from "../../src/logger.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";

const db = useTestDatabase();
const { url: redisUrl, redis } = useTestRedis();
const TZ = "America/New_York";
const START = "2008-09-02";
const calendar = createMarketCalendar();
const log = createLogger("silent");

let series: Map<string, PriceBar[]>;

beforeAll(async () => {
  // The shipped demo prices, as local mode loads them; NVDA is held, ORCL only watched.
  series = await loadReplaySeries("demo/prices", ["NVDA", "ORCL"], TZ);
  const account = await createAccount(db.dataSource);
  await holdPosition(db.dataSource, account, "NVDA", 10, "12.00");
});

beforeEach(async () => {
  await db.dataSource.query("DELETE FROM stock_prices");
});

function deps(now: string, history = new ReplayHistory(series, { start: START, calendar, timeZone: TZ })): BackfillDeps {
  return { history, prices: new PriceRepository(db.dataSource), calendar, clock: { now: () => new Date(now) }, log };
}

const options = { days: 260, watchlist: ["orcl", "ZZZZ"] };

/** Each ticker's rows: how many, the newest New York date, and whether all sit at a trading day's 16:00 stamp. */
async function stored(ticker: string) {
  const rows: { time: Date; source: string }[] = await db.dataSource.query(`SELECT time, source FROM stock_prices WHERE ticker = $1 ORDER BY time`, [ticker]);
  const dates = rows.map((r) => DateTime.fromJSDate(r.time, { zone: TZ }).toISODate()!);
  const atStamps = rows.every((r, i) => calendar.isTradingDay(dates[i]!) && r.time.getTime() === dailyBarTime(dates[i]!, TZ).getTime());
  return { count: rows.length, newest: dates.at(-1), atStamps, sources: new Set(rows.map((r) => r.source.split(":")[0])) };
}

/** Changes whenever any row is inserted, updated or deleted. */
async function fingerprint(): Promise<string> {
  const [row] = await db.dataSource.query(`SELECT count(*)::text || ':' || coalesce(string_agg(xmin::text, ',' ORDER BY ticker, time), '') AS f FROM stock_prices`);
  return row.f;
}

describe("backfillHistory over the replay's history", () => {
  it("gives held and watched tickers their daily bars up to the last completed day, never today's open session, and reports an unknown ticker", async () => {
    // Tuesday 10 March 2026, 11:00 New York: the session is open, so Monday the 9th is the newest.
    const result = await backfillHistory(deps("2026-03-10T15:00:00Z"), options);
    expect(result.through).toBe("2026-03-09");
    expect(result.tickers).toEqual([
      { ticker: "NVDA", outcome: "stored", requested: 260, fetched: 260, stored: 260, inserted: 260, rejected: 0, dropped: 0 },
      { ticker: "ORCL", outcome: "stored", requested: 260, fetched: 260, stored: 260, inserted: 260, rejected: 0, dropped: 0 },
      { ticker: "ZZZZ", outcome: "none", requested: 260 },
    ]);
    for (const ticker of ["NVDA", "ORCL"]) {
      expect(await stored(ticker)).toEqual({ count: 260, newest: "2026-03-09", atStamps: true, sources: new Set(["replay-history"]) });
    }
    expect((await stored("ZZZZ")).count).toBe(0);
    // What the trend agent reads: 250 closes, the newest the day before the replay's start.
    const closes = await new WarRoomRepository(db.dataSource, TZ).dailyCloses("NVDA", 250);
    expect(closes).toHaveLength(250);
    // 2008-08-29,12.960000,13.000000,12.600000,12.640000,11.698512,12900100
    expect([closes.at(-1)?.day, closes.at(-1)?.close.toFixed(6)]).toEqual(["2026-03-09", "12.640000"]);
  });

  it("writes nothing on a second run, and only the missing days once a later session has closed", async () => {
    await backfillHistory(deps("2026-03-10T15:00:00Z"), options);
    const before = await fingerprint();
    const again = await backfillHistory(deps("2026-03-10T19:00:00Z"), options);
    expect(again.tickers.map((t) => [t.ticker, t.outcome])).toEqual([["NVDA", "current"], ["ORCL", "current"], ["ZZZZ", "none"]]);
    expect(await fingerprint()).toBe(before);

    // Wednesday the 11th at 17:30, after the close: the 10th and the 11th are missing; today counts now.
    const later = await backfillHistory(deps("2026-03-11T21:30:00Z"), options);
    expect(later.through).toBe("2026-03-11");
    expect(later.tickers[0]).toEqual({ ticker: "NVDA", outcome: "stored", requested: 2, fetched: 2, stored: 2, inserted: 2, rejected: 0, dropped: 0 });
    expect(await stored("NVDA")).toMatchObject({ count: 262, newest: "2026-03-11", atStamps: true });

    // Saturday: Friday the 13th is the newest completed day.
    const saturday = await backfillHistory(deps("2026-03-14T15:00:00Z"), options);
    expect(saturday.through).toBe("2026-03-13");
    expect(saturday.tickers[1]).toMatchObject({ ticker: "ORCL", outcome: "stored", requested: 2, inserted: 2 });
  });

  it("stores a ticker's good bars without its malformed one", async () => {
    const nvda = [...series.get("NVDA")!];
    const i = nvda.findIndex((b) => b.time.getTime() === dailyBarTime("2008-08-28", TZ).getTime());
    nvda[i] = { ...nvda[i]!, low: nvda[i]!.close.plus(1) }; // a low above the close
    const history = new ReplayHistory(new Map([["NVDA", nvda], ["ORCL", series.get("ORCL")!]]), { start: START, calendar, timeZone: TZ });
    const result = await backfillHistory(deps("2026-03-10T15:00:00Z", history), { days: 10, watchlist: [] });
    expect(result.tickers).toEqual([{ ticker: "NVDA", outcome: "stored", requested: 10, fetched: 10, stored: 9, inserted: 9, rejected: 1, dropped: 0 }]);
    expect((await stored("NVDA")).count).toBe(9);
  });

  it("keeps going when one ticker's history fails, and fails the run only when every ticker failed", async () => {
    const nvda = series.get("NVDA")!;
    const shuffled = [nvda[1]!, nvda[0]!, ...nvda.slice(2)]; // 1999-01-25 before 1999-01-22
    const history = new ReplayHistory(new Map([["NVDA", shuffled], ["ORCL", series.get("ORCL")!]]), { start: START, calendar, timeZone: TZ });
    const result = await backfillHistory(deps("2026-03-10T15:00:00Z", history), { days: 5, watchlist: ["ORCL"] });
    expect(result.tickers[0]).toMatchObject({ ticker: "NVDA", outcome: "failed" });
    expect(result.tickers[0]).toHaveProperty("error", "replay history for NVDA is not in date order: 1999-01-22 follows 1999-01-25");
    expect(result.tickers[1]).toMatchObject({ ticker: "ORCL", outcome: "stored", inserted: 5 });

    const broken = new ReplayHistory(new Map([["NVDA", shuffled]]), { start: START, calendar, timeZone: TZ });
    await expect(backfillHistory(deps("2026-03-10T15:00:00Z", broken), { days: 5, watchlist: [] })).rejects.toThrow(/failed for every ticker \(1\); NVDA: replay history for NVDA is not in date order/);
  });
});

describe("history-backfill job", () => {
  it("is scheduled after the close on weekdays in the market's zone, and runs the backfill", async () => {
    const prefix = `test-${randomBytes(4).toString("hex")}`;
    const definition = historyBackfillJob(deps("2026-03-10T15:00:00Z"), { days: 250, watchlist: ["ORCL"] }, "45 17 * * 1-5");
    const runner = await startJobRunner({ redisUrl, prefix, definitions: [definition], log });
    const events = new QueueEvents("history-backfill", { connection: { url: redisUrl }, prefix });
    await events.waitUntilReady();
    try {
      const queue = runner.queues.get("history-backfill")!;
      expect((await queue.getJobSchedulers()).map((s) => [s.key, s.pattern, s.tz])).toEqual([["history-backfill", "45 17 * * 1-5", TZ]]);
      const job = await queue.add("history-backfill", {});
      const result = (await job.waitUntilFinished(events, 20_000)) as BackfillResult;
      expect(result.tickers.map((t) => [t.ticker, t.outcome])).toEqual([["NVDA", "stored"], ["ORCL", "stored"]]);
      expect((await stored("ORCL")).count).toBe(250);
    } finally {
      await events.close();
      await runner.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  });
});
