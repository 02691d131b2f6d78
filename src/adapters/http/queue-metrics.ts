import type { Queue } from "bullmq";
import { Counter, Gauge, type Registry } from "prom-client";

/**
 * The job queues seen from /metrics. The HTTP server may start before the job runner (as
 * `npm start` does), so it gets a getter: undefined, or an empty map, means no queues yet.
 */
export type QueueSource = () => ReadonlyMap<string, Queue> | undefined;

/** The states /metrics reports; "waiting" includes BullMQ's prioritized set (both wait for a worker). */
export const QUEUE_STATES = ["waiting", "active", "delayed", "failed"] as const;

/** A scrape must not hang on Redis: BullMQ's connection retries forever while Redis is away. */
export const QUEUE_COUNTS_TIMEOUT_MS = 2000;

export interface QueueMetrics {
  /** Jobs per queue and state, read from BullMQ at scrape time. */
  queueJobs: Gauge<"queue" | "state">;
  /** Failed attempts per job: a job retried three times and failing each time counts 3. */
  jobFailures: Counter<"job">;
}

export function createQueueMetrics(registers: Registry[]): QueueMetrics {
  return {
    queueJobs: new Gauge({ name: "war_room_queue_jobs", help: "Jobs per BullMQ queue and state (waiting, active, delayed, failed), read at scrape time", labelNames: ["queue", "state"], registers }),
    jobFailures: new Counter({ name: "war_room_job_failures_total", help: "Failed background job attempts, per job (each failed retry counts)", labelNames: ["job"], registers }),
  };
}

/**
 * Reads every queue's counts, then replaces the gauge's values: all queues are read before the
 * gauge is touched, so a scrape never sees half an update. A failure or a timeout drops the
 * queue gauges (stale depths would mislead) and rethrows for the caller to log. Each known job
 * also gets its failure counter at 0, so rate() works before its first failure.
 */
export async function refreshQueueGauges(metrics: QueueMetrics, queues: QueueSource | undefined, timeoutMs = QUEUE_COUNTS_TIMEOUT_MS): Promise<void> {
  const current = [...(queues?.() ?? new Map<string, Queue>())];
  try {
    const readings = await withDeadline(
      Promise.all(current.map(async ([name, queue]) => ({ name, counts: await queue.getJobCounts("waiting", "prioritized", "active", "delayed", "failed") }))),
      timeoutMs,
    );
    metrics.queueJobs.reset();
    for (const { name, counts } of readings) {
      const waiting = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
      const values = { waiting, active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0 };
      for (const state of QUEUE_STATES) metrics.queueJobs.set({ queue: name, state }, values[state]);
    }
  } catch (error) {
    metrics.queueJobs.reset();
    throw error;
  } finally {
    for (const [name] of current) metrics.jobFailures.inc({ job: name }, 0);
  }
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the queue counts did not arrive within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
