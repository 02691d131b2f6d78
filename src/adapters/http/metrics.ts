import type { FastifyInstance } from "fastify";
import { collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { KillSwitchStatus, KillSwitchStore } from "../../app/ports/kill-switch-store.js";
import { bearerAuth } from "./auth.js";
import type { FeedStore } from "../../app/ports/feed-store.js";
import { createFeedMetrics, refreshFeedGauges, type FeedMetrics } from "./feed-metrics.js";
import { createQueueMetrics, refreshQueueGauges, type QueueMetrics, type QueueSource } from "./queue-metrics.js";

/** The desk's Prometheus metrics, on a registry of their own (never prom-client's global one). */
export interface HttpMetrics extends QueueMetrics, FeedMetrics {
  registry: Registry;
  /** 1 = HALTED (or unreadable: treated as halted), 0 = ACTIVE. */
  killSwitchState: Gauge<"account">;
  /** Each trigger's last reading, in the trigger's unit (display only: the decision uses exact decimals). */
  triggerReading: Gauge<"account" | "trigger">;
  /** How far each reading may still move before its trigger fires. */
  triggerHeadroom: Gauge<"account" | "trigger">;
  /** Background job durations, for the workers to observe. */
  jobDuration: Histogram<"job" | "outcome">;
}

export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    killSwitchState: new Gauge({ name: "war_room_kill_switch_state", help: "Kill switch state per account: 1 = HALTED, 0 = ACTIVE", labelNames: ["account"], registers }),
    triggerReading: new Gauge({ name: "war_room_trigger_reading", help: "Last reading of each kill-switch trigger, in the trigger's unit", labelNames: ["account", "trigger"], registers }),
    triggerHeadroom: new Gauge({ name: "war_room_trigger_headroom", help: "Headroom of each kill-switch trigger before it fires, in the trigger's unit", labelNames: ["account", "trigger"], registers }),
    jobDuration: new Histogram({
      name: "war_room_job_duration_seconds",
      help: "Duration of background jobs",
      labelNames: ["job", "outcome"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    ...createQueueMetrics(registers),
    ...createFeedMetrics(registers),
  };
}

/** The job runner's onJobDone for these metrics: every job's duration, and each failed attempt counted. */
export function observeJobs(metrics: HttpMetrics): (job: string, outcome: "completed" | "failed", seconds: number) => void {
  return (job, outcome, seconds) => {
    metrics.jobDuration.observe({ job, outcome }, seconds);
    if (outcome === "failed") metrics.jobFailures.inc({ job });
  };
}

/**
 * Re-reads every account's kill-switch row and replaces the gauges' values. All rows are read
 * before the gauges are touched, so a scrape never sees half an update; an account whose row
 * cannot be read is reported as halted, as the order guard treats it.
 */
export async function refreshKillSwitchGauges(metrics: HttpMetrics, store: KillSwitchStore): Promise<void> {
  const rows: { accountId: string; status: KillSwitchStatus | undefined }[] = [];
  for (const accountId of await store.accountIds()) {
    rows.push({ accountId, status: await store.status(accountId).catch(() => undefined) });
  }
  metrics.killSwitchState.reset();
  metrics.triggerReading.reset();
  metrics.triggerHeadroom.reset();
  for (const { accountId, status } of rows) {
    const account = status?.accountName ?? accountId;
    metrics.killSwitchState.set({ account }, status?.state === "ACTIVE" ? 0 : 1);
    for (const reading of status?.lastReadings ?? []) {
      const labels = { account, trigger: reading.trigger };
      const value = Number(reading.value);
      const headroom = Number(reading.headroom);
      if (Number.isFinite(value)) metrics.triggerReading.set(labels, value);
      if (Number.isFinite(headroom)) metrics.triggerHeadroom.set(labels, headroom);
    }
  }
}

/**
 * GET /metrics: Prometheus text behind `Authorization: Bearer <METRICS_TOKEN>` (API_TOKEN when
 * METRICS_TOKEN is unset): it names accounts and shows their states and readings. 401 without
 * or with a wrong token, 503 when no token is configured (closed, never open).
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: HttpMetrics, store: KillSwitchStore, queues: QueueSource | undefined, token: string | undefined, feeds?: FeedStore): void {
  const guard = bearerAuth(token, { what: "/metrics", variable: "METRICS_TOKEN (or API_TOKEN)", code: "metrics_disabled" });
  app.get("/metrics", { logLevel: "warn", onRequest: guard }, async (request, reply) => {
    try {
      await refreshKillSwitchGauges(metrics, store);
    } catch (error) {
      // Stale kill-switch values would mislead: drop them and still serve the process metrics.
      metrics.killSwitchState.reset();
      metrics.triggerReading.reset();
      metrics.triggerHeadroom.reset();
      request.log.error({ err: error }, "could not refresh the kill-switch metrics");
    }
    // Dropped on failure inside: the process and kill-switch metrics are still served.
    await refreshQueueGauges(metrics, queues).catch((error: unknown) => request.log.error({ err: error }, "could not refresh the queue metrics"));
    await refreshFeedGauges(metrics, feeds, new Date()).catch((error: unknown) => request.log.error({ err: error }, "could not refresh the feed metrics"));
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
}
