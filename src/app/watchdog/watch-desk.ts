import { changedConditions, overdueJobs, type Condition, type OverdueJob, type SafetyJob } from "../../domain/watchdog.js";
import type { Clock } from "../ports/clock.js";
import type { DeskHealthStore } from "../ports/desk-health-store.js";
import type { FeedStore } from "../ports/feed-store.js";
import { feedConditions, feedOfCondition } from "../../domain/feed-health.js";
import type { Notifier } from "../ports/notifier.js";

type Probe = "ok" | "failed" | "absent";

/** The safety work the watchdog does itself when the queue cannot (PostgreSQL only). */
export interface SafetyFallbacks {
  /** Evaluates every account's triggers; throws when an account could not be evaluated. */
  checkTriggers(): Promise<void>;
  /** Runs the stop-loss scan (idempotent per holding and day, so overlapping a late job is harmless). */
  scanStopLosses(): Promise<void>;
  /** Halts every account: the last resort when the triggers cannot be evaluated at all. */
  haltAll(reason: string): Promise<void>;
}

export interface WatchdogDeps {
  /** This process's name in desk_probes ("war-room", "bot", "worker"). */
  process: string;
  store: DeskHealthStore;
  clock: Clock;
  isMarketOpen(at: Date): boolean;
  /** Whether the market calendar can vouch for this instant's year (its rules are known to hold). */
  calendarVouchesFor(at: Date): boolean;
  jobs: readonly SafetyJob[];
  /** Pings Redis; undefined for a process without Redis. */
  pingRedis?: () => Promise<void>;
  notifier: Notifier;
  fallbacks: SafetyFallbacks;
  /** A probe that has not answered by then counts as failed. */
  timeoutMs: number;
  /** The market-data feeds' reports; absent when the desk follows no feed. */
  feeds?: FeedStore;
}

/** What the watchdog keeps between looks (per process). */
export interface WatchdogState {
  /** When this process started watching: no job is overdue before it could have run. */
  since: Date;
  /** Each condition's state at the last look. */
  known: Map<string, boolean>;
}

export interface DeskHealthReport {
  at: Date;
  database: Probe;
  redis: Probe;
  /** Overdue safety jobs (empty when the database could not be read: see `database`). */
  overdue: OverdueJob[];
  /** What the watchdog did itself this look. */
  fallbacks: { name: "trigger-check" | "stop-loss-scan" | "halt-all"; outcome: "ok" | "failed"; error?: string }[];
  conditions: Condition[];
  errors: Record<string, string>;
}

const TRIGGER_CHECK = "trigger-check";
const STOP_LOSS_SCAN = "stop-loss-scan";

/**
 * One look at the desk, outside the job queue: can PostgreSQL take a write, does Redis answer,
 * have the safety jobs run? When the trigger check or the stop-loss scan is overdue (or Redis is
 * down, so no job can run), it does that work itself from PostgreSQL; when the triggers cannot
 * be evaluated at all, it halts every account (fail closed: no new exposure). Each condition
 * that starts or stops failing is told to the admins once for the whole desk.
 */
export async function watchDesk(deps: WatchdogDeps, state: WatchdogState): Promise<DeskHealthReport> {
  const now = deps.clock.now();
  const errors: Record<string, string> = {};
  const attempt = async (name: string, work: () => Promise<void>): Promise<"ok" | "failed"> => {
    try {
      await withDeadline(work(), deps.timeoutMs, `${name} did not answer within ${deps.timeoutMs} ms`);
      return "ok";
    } catch (error) {
      errors[name] = message(error);
      return "failed";
    }
  };

  const database = await attempt("database", () => deps.store.probeWrite(deps.process, now));
  const redis: Probe = deps.pingRedis ? await attempt("redis", deps.pingRedis) : "absent";
  let overdue: OverdueJob[] = [];
  let lastOk: Map<string, Date> | undefined;
  if (database === "ok") {
    await attempt("heartbeats", async () => {
      lastOk = await deps.store.lastJobCompletions();
    });
    if (lastOk) overdue = overdueJobs({ jobs: deps.jobs, lastOk, now, since: state.since, isMarketOpen: (at) => deps.isMarketOpen(at) });
  }

  const fallbacks: DeskHealthReport["fallbacks"] = [];
  const fallback = async (name: DeskHealthReport["fallbacks"][number]["name"], work: () => Promise<void>) => {
    const outcome = await attempt(name, work);
    fallbacks.push({ name, outcome, ...(errors[name] ? { error: errors[name] } : {}) });
    return outcome;
  };
  const queueDown = redis === "failed";
  const isOverdue = (job: string) => overdue.some((o) => o.name === job);
  if (database === "ok" && (queueDown || isOverdue(TRIGGER_CHECK))) {
    if ((await fallback(TRIGGER_CHECK, () => deps.fallbacks.checkTriggers())) === "failed") {
      const reason = `watchdog: the kill-switch triggers could not be evaluated (${errors[TRIGGER_CHECK]}); halted so that nothing adds exposure unwatched`;
      await fallback("halt-all", () => deps.fallbacks.haltAll(reason));
    }
  }
  if (database === "ok" && deps.isMarketOpen(now) && (queueDown || isOverdue(STOP_LOSS_SCAN)) && deps.jobs.some((j) => j.name === STOP_LOSS_SCAN)) {
    await fallback(STOP_LOSS_SCAN, () => deps.fallbacks.scanStopLosses());
  }

  const conditions: Condition[] = [{ name: "database", failing: database === "failed", detail: errors["database"] ?? "" }];
  if (redis !== "absent") conditions.push({ name: "redis", failing: redis === "failed", detail: errors["redis"] ?? "" });
  // Job states are known only when the heartbeats could be read; otherwise they keep their last state.
  if (lastOk) {
    for (const job of deps.jobs) {
      const late = overdue.find((o) => o.name === job.name);
      conditions.push({ name: `job:${job.name}`, failing: !!late, detail: late ? describeOverdue(late, now) : "" });
    }
  }
  // A week ahead, so that the admins hear of a year the calendar cannot vouch for before it starts.
  const unvouched = [now, new Date(now.getTime() + 7 * 86_400_000)].find((at) => !deps.calendarVouchesFor(at));
  conditions.push({ name: "calendar", failing: unvouched !== undefined, detail: unvouched ? `no NYSE rules vouched for ${unvouched.toISOString().slice(0, 4)}` : "" });
  if (database === "ok" && deps.feeds) {
    const store = deps.feeds;
    await attempt("feeds", async () => {
      conditions.push(...feedConditions(await store.all(), now));
    });
  }
  const triggerFallback = fallbacks.find((f) => f.name === TRIGGER_CHECK);
  if (triggerFallback) conditions.push({ name: "triggers", failing: triggerFallback.outcome === "failed", detail: triggerFallback.error ?? "" });
  else if (database === "ok" && state.known.get("triggers")) conditions.push({ name: "triggers", failing: false, detail: "" });

  await announce(deps, state, conditions, database === "ok", redis === "failed", now);
  return { at: now, database, redis, overdue, fallbacks, conditions, errors };
}

/** Tells the admins about each change: through the shared condition row when PostgreSQL answers (one alert for the desk), directly when it does not. */
async function announce(deps: WatchdogDeps, state: WatchdogState, conditions: Condition[], databaseUp: boolean, redisDown: boolean, at: Date): Promise<void> {
  for (const change of changedConditions(state.known, conditions)) {
    state.known.set(change.name, change.failing);
    let mine = true;
    if (databaseUp && change.name !== "database") {
      mine = await deps.store.setCondition(change, at).catch(() => true);
    }
    if (!mine) continue;
    await deps.notifier.notify({
      kind: "desk_health",
      accountId: "",
      accountName: "War Room",
      title: titleOf(change.name, change.started),
      lines: linesOf(change.name, change.started, change.detail, redisDown),
      at,
    });
  }
}

function titleOf(name: string, started: boolean): string {
  if (name === "calendar") return started ? "Market calendar cannot vouch for the coming days" : "Market calendar vouches again";
  const feed = feedOfCondition(name);
  if (feed) return started ? `Market data ${feed} is down` : `Market data ${feed} is back`;
  const what = name === "database" ? "PostgreSQL" : name === "redis" ? "Redis" : name === "triggers" ? "Kill-switch triggers" : `Job ${name.slice(4)}`;
  if (name === "database") return started ? `${what} cannot take writes` : `${what} takes writes again`;
  if (name === "redis") return started ? `${what} unreachable` : `${what} reachable again`;
  if (name === "triggers") return started ? `${what} cannot be evaluated` : `${what} evaluated again`;
  return started ? `${what} is overdue` : `${what} runs again`;
}

function linesOf(name: string, started: boolean, detail: string, redisDown: boolean): string[] {
  if (!started) return ["back to normal"];
  const lines = detail ? [detail] : [];
  if (name === "database") lines.push("no order, halt or resume can be recorded until it answers; every order path fails closed");
  if (name === "redis") lines.push("scheduled jobs cannot run: the watchdog evaluates the triggers and scans stops itself from PostgreSQL", "/halt still works");
  if (name === "triggers") lines.push("every account was halted (fail closed); resume once the cause is fixed");
  if (name === "calendar") lines.push("market hours and trading days are guesses (weekends only) until War Room is updated: halt, or add closures with MARKET_CLOSURES");
  if (feedOfCondition(name)) lines.push("no new prices from it: during market hours, accounts holding its tickers halt on stale_data past KS_STALE_DATA_SECONDS");
  if (name.startsWith("job:") && !redisDown) lines.push("is a worker running? (npm run worker, or npm start)");
  return lines;
}

function describeOverdue(job: OverdueJob, now: Date): string {
  if (!job.lastOkAt) return `never completed (expected every ${job.allowedSeconds / 2} s)`;
  return `last completed ${Math.round((now.getTime() - job.lastOkAt.getTime()) / 1000)} s ago (expected every ${job.allowedSeconds / 2} s)`;
}

async function withDeadline<T>(work: Promise<T>, ms: number, why: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(why)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
