import { beforeEach, describe, expect, it } from "vitest";
import { DeskHealthRepository } from "../../src/adapters/db/repositories/desk-health-repository.js";
import { MarketFeedRepository } from "../../src/adapters/db/repositories/market-feed-repository.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { FeedMonitor } from "../../src/app/prices/feed-monitor.js";
import { watchDesk, type WatchdogState } from "../../src/app/watchdog/watch-desk.js";
import { createMarketCalendar } from "../../src/domain/market-calendar.js";
import { safetyFallbacks } from "../../src/main/watchdog.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN } from "../support/desk.js";

const db = useTestDatabase();
const calendar = createMarketCalendar();
const log = { info: () => undefined, warn: () => undefined };

beforeEach(async () => {
  await db.dataSource.query(`TRUNCATE market_feeds, desk_conditions, desk_probes, job_heartbeats`);
});

function watch(now: { at: Date }, notifier: RecordingNotifier) {
  const clock = { now: () => now.at };
  const execution = executionDeps(db.dataSource, { clock, notifier });
  return {
    process: "test",
    store: new DeskHealthRepository(db.dataSource),
    clock,
    isMarketOpen: (at: Date) => calendar.isMarketOpen(at),
    calendarVouchesFor: () => true,
    jobs: [],
    notifier,
    timeoutMs: 2_000,
    fallbacks: safetyFallbacks({ killSwitch: execution.killSwitch, execution }, db.dataSource),
    feeds: new MarketFeedRepository(db.dataSource),
  };
}

describe("a market-data feed seen by the watchdog", () => {
  it("alerts the admins once when the feed drops and once when it returns, across processes", async () => {
    const now = { at: MARKET_OPEN };
    const clock = { now: () => now.at };
    const monitor = new FeedMonitor({ store: new MarketFeedRepository(db.dataSource), clock, log }, "alpaca:iex");
    monitor.live();
    await monitor.stop(); // waits for the writes in flight

    const notifier = new RecordingNotifier();
    const [bot, worker]: WatchdogState[] = [0, 1].map(() => ({ since: MARKET_OPEN, known: new Map() }));
    await watchDesk(watch(now, notifier), bot!);
    expect(notifier.alerts).toEqual([]);

    now.at = new Date(MARKET_OPEN.getTime() + 5_000);
    monitor.down("auth failed (402): check ALPACA_KEY_ID and ALPACA_SECRET_KEY");
    await monitor.stop();
    const report = await watchDesk(watch(now, notifier), bot!);
    await watchDesk(watch(now, notifier), worker!);
    expect(report.conditions).toContainEqual({ name: "feed:alpaca:iex", failing: true, detail: "auth failed (402): check ALPACA_KEY_ID and ALPACA_SECRET_KEY" });
    expect(notifier.alerts.map((a) => a.title)).toEqual(["Market data alpaca:iex is down"]);
    expect(notifier.alerts[0]!.lines.join(" ")).toContain("stale_data");

    now.at = new Date(MARKET_OPEN.getTime() + 10_000);
    monitor.live();
    await monitor.stop();
    await watchDesk(watch(now, notifier), bot!);
    await watchDesk(watch(now, notifier), worker!);
    expect(notifier.alerts.map((a) => a.title)).toEqual(["Market data alpaca:iex is down", "Market data alpaca:iex is back"]);
  });

  it("calls a feed down when the process streaming it stops reporting", async () => {
    const now = { at: MARKET_OPEN };
    const monitor = new FeedMonitor({ store: new MarketFeedRepository(db.dataSource), clock: { now: () => now.at }, log }, "kis:real");
    monitor.live();
    await monitor.stop();
    now.at = new Date(MARKET_OPEN.getTime() + 45_000);
    const notifier = new RecordingNotifier();
    const report = await watchDesk(watch(now, notifier), { since: MARKET_OPEN, known: new Map() });
    expect(report.conditions.find((c) => c.name === "feed:kis:real")).toMatchObject({ failing: true, detail: expect.stringMatching(/^no report from the process streaming kis:real for 45 s/) });
    expect(notifier.alerts.map((a) => a.title)).toEqual(["Market data kis:real is down"]);
  });
});
