import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { DeskHealthRepository } from "../../src/adapters/db/repositories/desk-health-repository.js";
import { buildHttpServer } from "../../src/adapters/http/server.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { watchDesk, type WatchdogDeps, type WatchdogState } from "../../src/app/watchdog/watch-desk.js";
import { createHttpMetrics } from "../../src/adapters/http/metrics.js";
import { createMarketCalendar } from "../../src/domain/market-calendar.js";
import { safetyFallbacks } from "../../src/main/watchdog.js";
import { createAccount } from "../support/accounts.js";
import { adminQuery, useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";
import { Redis } from "ioredis";

const db = useTestDatabase();
const { redis } = useTestRedis();
const calendar = createMarketCalendar();
/** A Redis client for a port nothing listens on: every command fails at once. */
const deadRedis = new Redis("redis://127.0.0.1:9", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
deadRedis.on("error", () => undefined);
afterAll(() => deadRedis.disconnect());

const JOBS = [
  { name: "trigger-check", everySeconds: 30, marketHoursOnly: false },
  { name: "stop-loss-scan", everySeconds: 30, marketHoursOnly: true },
];

function deps(now: Date, overrides: Partial<WatchdogDeps> & { notifier?: RecordingNotifier } = {}): WatchdogDeps & { notifier: RecordingNotifier } {
  const notifier = overrides.notifier ?? new RecordingNotifier();
  const execution = executionDeps(db.dataSource, { clock: { now: () => now }, notifier });
  return {
    process: "test",
    store: new DeskHealthRepository(db.dataSource),
    clock: { now: () => now },
    isMarketOpen: (at) => calendar.isMarketOpen(at),
    calendarVouchesFor: (at) => calendar.coversYear(at.getUTCFullYear()),
    jobs: JOBS,
    pingRedis: async () => void (await redis.ping()),
    timeoutMs: 2_000,
    fallbacks: safetyFallbacks({ killSwitch: execution.killSwitch, execution }, db.dataSource),
    ...overrides,
    notifier,
  };
}

/** A watchdog that has been watching for ten minutes before MARKET_OPEN's moment. */
function freshState(): WatchdogState {
  return { since: new Date(MARKET_OPEN.getTime() - 10 * 60_000), known: new Map() };
}

async function beat(job: string, at: Date): Promise<void> {
  await new DeskHealthRepository(db.dataSource).recordJobCompleted(job, at);
}

beforeEach(async () => {
  await db.dataSource.query(`TRUNCATE job_heartbeats, desk_conditions, desk_probes`);
});

describe("the watchdog", () => {
  it("finds everything healthy when the safety jobs beat on time, and says nothing", async () => {
    const d = deps(MARKET_OPEN);
    await beat("trigger-check", new Date(MARKET_OPEN.getTime() - 20_000));
    await beat("stop-loss-scan", new Date(MARKET_OPEN.getTime() - 20_000));
    const report = await watchDesk(d, freshState());
    expect(report).toMatchObject({ database: "ok", redis: "ok", overdue: [], fallbacks: [] });
    expect(d.notifier.alerts).toEqual([]);
    const [probe] = await db.dataSource.query(`SELECT seen_at FROM desk_probes WHERE process = 'test'`);
    expect(probe.seen_at).toEqual(MARKET_OPEN);
  });

  it("evaluates the triggers itself when trigger-check is overdue, halts on a fired trigger, and tells the admins once", async () => {
    const accountId = await createAccount(db.dataSource, { name: "Overdue", cash: "90000" });
    await db.dataSource.query(
      `INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value) VALUES ($1, 'start_of_day', $2, 100000, 100000, 0)`,
      [accountId, calendar.tradingDayOf(MARKET_OPEN)],
    );
    await beat("trigger-check", new Date(MARKET_OPEN.getTime() - 5 * 60_000));
    await beat("stop-loss-scan", new Date(MARKET_OPEN.getTime() - 20_000));
    const d = deps(MARKET_OPEN);
    const state = freshState();

    const report = await watchDesk(d, state);
    expect(report.overdue.map((o) => o.name)).toEqual(["trigger-check"]);
    expect(report.fallbacks).toEqual([{ name: "trigger-check", outcome: "ok" }]);
    const [row] = await db.dataSource.query(`SELECT state, actor FROM kill_switch_states WHERE account_id = $1`, [accountId]);
    expect(row).toEqual({ state: "HALTED", actor: "system:watchdog" });
    const health = d.notifier.alerts.filter((a) => a.kind === "desk_health");
    expect(health.map((a) => a.title)).toEqual(["Job trigger-check is overdue"]);
    expect(health[0]!.lines[0]).toMatch(/^last completed 300 s ago \(expected every 30 s\)$/);

    // The next look sees the same: no second alert. Then the job beats again: one recovery alert.
    await watchDesk(d, state);
    expect(d.notifier.alerts.filter((a) => a.kind === "desk_health")).toHaveLength(1);
    await beat("trigger-check", MARKET_OPEN);
    const recovered = await watchDesk(d, state);
    expect(recovered.fallbacks).toEqual([]);
    expect(d.notifier.alerts.filter((a) => a.kind === "desk_health").map((a) => a.title)).toEqual(["Job trigger-check is overdue", "Job trigger-check runs again"]);
  });

  it("does not count a market-hours job overdue while the market is closed, nor any job before it could have run", async () => {
    const saturday = new Date("2026-11-28T16:00:00Z");
    await beat("trigger-check", new Date(saturday.getTime() - 10_000));
    const closed = await watchDesk(deps(saturday), { since: new Date(saturday.getTime() - 3_600_000), known: new Map() });
    expect(closed.overdue).toEqual([]);
    const justStarted = await watchDesk(deps(MARKET_OPEN), { since: new Date(MARKET_OPEN.getTime() - 30_000), known: new Map() });
    expect(justStarted.overdue).toEqual([]);
  });

  it("with Redis unreachable runs the trigger check and the stop scan itself, and one of two processes alerts, once", async () => {
    await beat("trigger-check", MARKET_OPEN);
    await beat("stop-loss-scan", MARKET_OPEN);
    const notifier = new RecordingNotifier();
    const pingRedis = async () => void (await deadRedis.ping());
    const bot = deps(MARKET_OPEN, { notifier, pingRedis, process: "bot" });
    const worker = deps(MARKET_OPEN, { notifier, pingRedis, process: "worker" });
    const [a, b] = await Promise.all([watchDesk(bot, freshState()), watchDesk(worker, freshState())]);
    for (const report of [a, b]) {
      expect(report.redis).toBe("failed");
      expect(report.fallbacks.map((f) => [f.name, f.outcome])).toEqual([["trigger-check", "ok"], ["stop-loss-scan", "ok"]]);
    }
    const alerts = notifier.alerts.filter((x) => x.kind === "desk_health");
    expect(alerts.map((x) => x.title)).toEqual(["Redis unreachable"]);
    expect(alerts[0]!.lines).toContain("/halt still works");
  });

  it("halts every account when the triggers cannot be evaluated at all (fail closed)", async () => {
    const accountId = await createAccount(db.dataSource, { name: "Unwatched" });
    const d = deps(MARKET_OPEN);
    const real = d.fallbacks;
    d.fallbacks = { ...real, checkTriggers: () => Promise.reject(new Error("snapshot query failed")) };
    const report = await watchDesk(d, freshState());
    // No job ever beat: the stop scan is overdue too and runs third.
    expect(report.fallbacks.slice(0, 2)).toEqual([
      { name: "trigger-check", outcome: "failed", error: "snapshot query failed" },
      { name: "halt-all", outcome: "ok" },
    ]);
    const [row] = await db.dataSource.query(`SELECT state, actor, reason FROM kill_switch_states WHERE account_id = $1`, [accountId]);
    expect(row.state).toBe("HALTED");
    expect(row.actor).toBe("system:watchdog");
    expect(row.reason).toContain("could not be evaluated (snapshot query failed)");
    expect(d.notifier.alerts.some((a) => a.kind === "desk_health" && a.title === "Kill-switch triggers cannot be evaluated")).toBe(true);
  });

  it("reports a database that answers reads but cannot take a write (a full disk), and /readyz says so", async () => {
    await beat("trigger-check", MARKET_OPEN);
    await beat("stop-loss-scan", MARKET_OPEN);
    // What PostgreSQL answers when the disk is full, raised by a trigger on the probe's table.
    await db.dataSource.query(`
      CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'could not extend file "base/16384/2619": No space left on device' USING ERRCODE = 'disk_full'; END $$`);
    await db.dataSource.query(`CREATE TRIGGER disk_full BEFORE INSERT OR UPDATE ON desk_probes FOR EACH ROW EXECUTE FUNCTION disk_full()`);
    try {
      const d = deps(MARKET_OPEN);
      const report = await watchDesk(d, freshState());
      expect(report.database).toBe("failed");
      expect(report.errors["database"]).toMatch(/No space left on device/);
      expect(d.notifier.alerts.map((a) => a.title)).toEqual(["PostgreSQL cannot take writes"]);

      const app = buildHttpServer({
        killSwitch: executionDeps(db.dataSource).killSwitch,
        apiToken: undefined,
        checks: { database: async () => void (await db.dataSource.query("SELECT 1")), redis: async () => void (await redis.ping()), desk: () => report },
        metrics: createHttpMetrics(),
      });
      const response = await app.inject({ method: "GET", url: "/readyz" });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ status: "not_ready", database: "ok", redis: "ok", watchdog: { databaseWrites: "failed" } });
      expect(response.json().error.message).toMatch(/PostgreSQL did not take the watchdog's write \(could not extend file .*No space left on device\): a halt could not be recorded/);
      await app.close();
    } finally {
      await db.dataSource.query(`DROP TRIGGER disk_full ON desk_probes; DROP FUNCTION disk_full()`);
    }
  });

  it("tells the admins once when the market calendar cannot vouch for the coming week", async () => {
    await beat("trigger-check", MARKET_OPEN);
    await beat("stop-loss-scan", MARKET_OPEN);
    const lastVouchedDay = new Date("2099-12-28T16:00:00Z");
    const d = deps(lastVouchedDay, { calendarVouchesFor: (at) => createMarketCalendar().coversYear(at.getUTCFullYear()) });
    const state = { since: new Date(lastVouchedDay.getTime() - 600_000), known: new Map<string, boolean>() };
    await beat("trigger-check", lastVouchedDay);
    await beat("stop-loss-scan", lastVouchedDay);
    const report = await watchDesk(d, state);
    expect(report.conditions.find((c) => c.name === "calendar")).toEqual({ name: "calendar", failing: true, detail: "no NYSE rules vouched for 2100" });
    await watchDesk(d, state);
    const alerts = d.notifier.alerts.filter((a) => a.kind === "desk_health");
    expect(alerts.map((a) => a.title)).toEqual(["Market calendar cannot vouch for the coming days"]);
    expect(alerts[0]!.lines[1]).toMatch(/MARKET_CLOSURES/);
  });

  it("alerts the admins directly when PostgreSQL cannot be reached at all, and again when it returns", async () => {
    const d = deps(MARKET_OPEN);
    const state = freshState();
    await adminQuery(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS false`);
    await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}' AND pid <> pg_backend_pid()`);
    try {
      const down = await watchDesk(d, state);
      expect(down.database).toBe("failed");
      expect(down.fallbacks).toEqual([]);
      expect(d.notifier.alerts.map((a) => a.title)).toEqual(["PostgreSQL cannot take writes"]);
    } finally {
      await adminQuery(`ALTER DATABASE ${db.name} WITH ALLOW_CONNECTIONS true`);
    }
    await beat("trigger-check", MARKET_OPEN);
    await beat("stop-loss-scan", MARKET_OPEN);
    const up = await watchDesk(d, state);
    expect(up.database).toBe("ok");
    expect(d.notifier.alerts.map((a) => a.title)).toEqual(["PostgreSQL cannot take writes", "PostgreSQL takes writes again"]);
  });
});
