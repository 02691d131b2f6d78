import type { FastifyInstance } from "fastify";
import type { DeskHealthReport } from "../../app/watchdog/watch-desk.js";
import { feedOfCondition } from "../../domain/feed-health.js";

export interface ReadinessChecks {
  database(): Promise<void>;
  redis(): Promise<void>;
  /** The watchdog's newest look (a committed write, the safety jobs' heartbeats); absent in processes without one. */
  desk?: () => DeskHealthReport | undefined;
}

type CheckOutcome = "ok" | "failed" | "timeout";

export const READINESS_TIMEOUT_MS = 2000;

/** Runs one check with a deadline. A check still running at the deadline is left to finish on its own (its result is ignored). */
async function run(check: () => Promise<void>, timeoutMs: number): Promise<{ outcome: CheckOutcome; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const result = await Promise.race([check().then(() => "ok" as const), deadline]);
    return { outcome: result };
  } catch (error) {
    return { outcome: "failed", error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * /healthz: the process is alive (no I/O, for liveness probes).
 * /readyz: PostgreSQL and Redis answer within the deadline, and (where a watchdog runs) its last
 * look found PostgreSQL taking writes (a full disk or a read-only database cannot record a halt)
 * and no safety job overdue. 503 names what failed; the body always carries the details.
 * Both log at warn only, so probes do not flood the log.
 */
export function registerHealthRoutes(app: FastifyInstance, checks: ReadinessChecks, timeoutMs = READINESS_TIMEOUT_MS): void {
  app.get("/healthz", { logLevel: "warn" }, (_request, reply) => reply.send({ status: "ok" }));

  app.get("/readyz", { logLevel: "warn" }, async (request, reply) => {
    const [database, redis] = await Promise.all([run(() => checks.database(), timeoutMs), run(() => checks.redis(), timeoutMs)]);
    const failures = Object.entries({ database, redis })
      .filter(([, r]) => r.outcome !== "ok")
      .map(([name, r]) => ({ name, outcome: r.outcome, error: r.error, message: `${name} check ${r.outcome === "timeout" ? `timed out after ${timeoutMs} ms` : "failed"}` }));
    const desk = checks.desk?.();
    const watchdog = desk ? deskSection(desk) : undefined;
    // A process with a watchdog is not ready before its first look (a few seconds after start).
    if (checks.desk && !desk) failures.push({ name: "watchdog", outcome: "failed", error: undefined, message: "the watchdog has not finished its first look yet" });
    if (desk?.database === "failed") failures.push({ name: "database_writes", outcome: "failed", error: desk.errors["database"], message: `PostgreSQL did not take the watchdog's write (${desk.errors["database"] ?? "failed"}): a halt could not be recorded` });
    // A feed that delivers nothing leaves positions unpriced: stops cannot fire and stale_data will halt.
    for (const feed of feedsOf(desk)) {
      if (!feed.up) failures.push({ name: `feed:${feed.feed}`, outcome: "failed", error: undefined, message: `market data ${feed.feed} is down (${feed.detail})` });
    }
    for (const job of desk?.overdue ?? []) failures.push({ name: `job:${job.name}`, outcome: "failed", error: undefined, message: `${job.name} has not completed for over ${job.allowedSeconds} s` });
    const body = { database: database.outcome, redis: redis.outcome, ...(watchdog ? { watchdog } : {}) };
    if (failures.length === 0) return reply.send({ status: "ready", ...body });
    request.log.warn({ checks: Object.fromEntries(failures.map((f) => [f.name, f.error ?? f.outcome])) }, "not ready");
    return reply.code(503).send({ status: "not_ready", ...body, error: { code: "not_ready", message: failures.map((f) => f.message).join("; ") } });
  });
}

function deskSection(desk: DeskHealthReport) {
  return {
    at: desk.at.toISOString(),
    databaseWrites: desk.database,
    redis: desk.redis,
    overdueJobs: desk.overdue.map((o) => ({ job: o.name, lastCompletedAt: o.lastOkAt?.toISOString() ?? null, allowedSeconds: o.allowedSeconds })),
    fallbacks: desk.fallbacks,
    feeds: feedsOf(desk),
  };
}

/** The market-data feeds among the watchdog's conditions. */
function feedsOf(desk: DeskHealthReport | undefined): { feed: string; up: boolean; detail?: string }[] {
  return (desk?.conditions ?? []).flatMap((c) => {
    const feed = feedOfCondition(c.name);
    return feed ? [{ feed, up: !c.failing, ...(c.failing ? { detail: c.detail } : {}) }] : [];
  });
}
