import type { FastifyInstance } from "fastify";

export interface ReadinessChecks {
  database(): Promise<void>;
  redis(): Promise<void>;
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
 * /readyz: PostgreSQL and Redis answer within the deadline (for readiness probes); 503 names the one that did not.
 * Both log at warn only, so probes do not flood the log.
 */
export function registerHealthRoutes(app: FastifyInstance, checks: ReadinessChecks, timeoutMs = READINESS_TIMEOUT_MS): void {
  app.get("/healthz", { logLevel: "warn" }, (_request, reply) => reply.send({ status: "ok" }));

  app.get("/readyz", { logLevel: "warn" }, async (request, reply) => {
    const [database, redis] = await Promise.all([run(() => checks.database(), timeoutMs), run(() => checks.redis(), timeoutMs)]);
    if (database.outcome === "ok" && redis.outcome === "ok") return reply.send({ status: "ready", database: "ok", redis: "ok" });
    const failing = Object.entries({ database, redis }).filter(([, r]) => r.outcome !== "ok");
    request.log.warn({ checks: Object.fromEntries(failing.map(([name, r]) => [name, r.error ?? r.outcome])) }, "not ready");
    return reply.code(503).send({
      status: "not_ready",
      database: database.outcome,
      redis: redis.outcome,
      error: { code: "not_ready", message: failing.map(([name, r]) => `${name} check ${r.outcome === "timeout" ? `timed out after ${timeoutMs} ms` : "failed"}`).join("; ") },
    });
  });
}
