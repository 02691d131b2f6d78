import { DeskHealthRepository } from "../adapters/db/repositories/desk-health-repository.js";
import { StopLossRepository } from "../adapters/db/repositories/stop-loss-repository.js";
import { checkAllAccounts } from "../app/kill-switch/check-triggers.js";
import { haltTrading } from "../app/kill-switch/halt-trading.js";
import { scanStopLosses } from "../app/orders/stop-loss-scan.js";
import { withFeeds } from "./market-data.js";
import { watchDesk, type DeskHealthReport, type SafetyFallbacks, type WatchdogDeps, type WatchdogState } from "../app/watchdog/watch-desk.js";
import type { DataSource } from "typeorm";
import type { SafetyJob } from "../domain/watchdog.js";
import type { JobName } from "../../jobs/names.js";
import type { Runtime } from "./runtime.js";
import type { DeskServices } from "./desk.js";

export interface Watchdog {
  /** The newest look, or undefined before the first one finished. */
  latest(): DeskHealthReport | undefined;
  /** Runs one look now (tests, and the first look at start-up). */
  look(): Promise<DeskHealthReport>;
  close(): Promise<void>;
}

/** The jobs whose silence the desk cannot afford, with the intervals they are scheduled at. */
export function safetyJobs(runtime: Runtime): (SafetyJob & { name: JobName })[] {
  const { schedules } = runtime.config;
  return [
    { name: "trigger-check", everySeconds: schedules.triggerCheckEverySeconds, marketHoursOnly: false },
    { name: "stop-loss-scan", everySeconds: schedules.stopLossScanEverySeconds, marketHoursOnly: true },
  ];
}

/** The safety work the watchdog does itself when the queue cannot: the same use cases the jobs run. */
export function safetyFallbacks(services: Pick<DeskServices, "killSwitch" | "execution">, dataSource: DataSource): SafetyFallbacks {
  const { killSwitch, execution } = services;
  return {
    async checkTriggers() {
      const { failures } = await checkAllAccounts(killSwitch, "watchdog");
      if (failures.length > 0) throw new Error(failures.map((f) => `${f.accountId}: ${f.error}`).join("; "));
    },
    async scanStopLosses() {
      const { failures } = await scanStopLosses({ ...execution, positions: new StopLossRepository(dataSource) });
      if (failures.length > 0) throw new Error(failures.map((f) => `${f.ticker}: ${f.error}`).join("; "));
    },
    async haltAll(reason) {
      await haltTrading(killSwitch, { reason, actor: "system:watchdog" });
    },
  };
}

function watchdogDeps(runtime: Runtime, services: DeskServices, process: string): WatchdogDeps {
  const { killSwitch } = services;
  const redis = runtime.redis;
  return {
    process,
    store: new DeskHealthRepository(runtime.dataSource),
    clock: killSwitch.clock,
    isMarketOpen: (at) => killSwitch.calendar.isMarketOpen(at),
    calendarVouchesFor: (at) => killSwitch.calendar.vouchesFor(killSwitch.calendar.tradingDayOf(at)),
    jobs: safetyJobs(runtime),
    ...(redis ? { pingRedis: async () => void (await redis.ping()) } : {}),
    notifier: killSwitch.notifier,
    timeoutMs: 5_000,
    fallbacks: safetyFallbacks(services, runtime.dataSource),
    ...withFeeds(runtime),
  };
}

/**
 * Starts the watchdog of one process: a plain timer, outside BullMQ, so that it keeps looking
 * when Redis or the workers are gone. Looks never overlap; a look's problems are logged once per
 * change (the admins are told by the use case).
 */
export function startWatchdog(runtime: Runtime, services: DeskServices, process: string): Watchdog {
  const deps = watchdogDeps(runtime, services, process);
  const state: WatchdogState = { since: deps.clock.now(), known: new Map() };
  let latest: DeskHealthReport | undefined;
  let running: Promise<DeskHealthReport> | undefined;
  let closed = false;
  const look = () => {
    running ??= watchDesk(deps, state)
      .then((report) => {
        logChanges(runtime, latest, report);
        latest = report;
        return report;
      })
      .finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => {
    if (!closed) void look().catch((error: unknown) => runtime.log.error({ err: String(error) }, "watchdog look failed"));
  }, runtime.config.schedules.watchdogEverySeconds * 1000);
  timer.unref();
  void look().catch((error: unknown) => runtime.log.error({ err: String(error) }, "watchdog look failed"));
  return {
    latest: () => latest,
    look,
    async close() {
      closed = true;
      clearInterval(timer);
      // A look in flight finishes on its own time budget; shutdown does not wait beyond it.
      await Promise.race([running?.catch(() => undefined), new Promise((done) => setTimeout(done, deps.timeoutMs).unref())]);
    },
  };
}

function logChanges(runtime: Runtime, previous: DeskHealthReport | undefined, report: DeskHealthReport): void {
  const was = new Map(previous?.conditions.map((c) => [c.name, c.failing]) ?? []);
  for (const c of report.conditions) {
    if ((was.get(c.name) ?? false) === c.failing) continue;
    if (c.failing) runtime.log.error({ condition: c.name, detail: c.detail }, "watchdog: condition failing");
    else runtime.log.info({ condition: c.name }, "watchdog: condition recovered");
  }
  for (const f of report.fallbacks) {
    if (f.outcome === "failed") runtime.log.error({ fallback: f.name, err: f.error }, "watchdog: fallback failed");
    else runtime.log.debug({ fallback: f.name }, "watchdog: ran a safety job itself");
  }
}
