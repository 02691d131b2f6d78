import { Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { JobName } from "../../../jobs/names.js";
import type { JobDefinition } from "../../../jobs/registry.js";
import type { Logger } from "../../logger.js";
import { createRedisOutageLog, type RedisOutageLog } from "../redis/outage-log.js";
import { classifyFailure } from "./failure-kind.js";

export interface JobRunnerOptions {
  redisUrl: string;
  /** Redis key prefix; tests give each run its own. */
  prefix?: string;
  definitions: readonly JobDefinition[];
  log: Logger;
  /** Called after every job with its duration, for /metrics. */
  onJobDone?: (job: JobName, outcome: "completed" | "failed", seconds: number) => void;
  /** false: only upsert schedulers and enqueue (no processing in this process). */
  work?: boolean;
  /** The process's Redis outage log (one per process, so an outage is logged once); a new one when omitted. */
  outage?: RedisOutageLog;
}

export interface JobRunner {
  /** One queue per job, named after it (BullMQ's queue name is the job's name). */
  queues: Map<JobName, Queue>;
  close(): Promise<void>;
}

/**
 * One BullMQ queue per job name, schedulers upserted (idempotent: the same id across restarts
 * and across workers), and a worker per queue. Payloads are validated before the use case runs;
 * a payload that does not validate can never succeed, so it fails without retries.
 */
export async function startJobRunner(options: JobRunnerOptions): Promise<JobRunner> {
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  // Every connection and every queue and worker reports through one outage log: while Redis is
  // down each of them errors on every reconnect, and a queue without a listener prints stacks.
  const outage = options.outage ?? createRedisOutageLog(options.log);
  outage.watch(connection, "job queues");
  const queues = new Map<JobName, Queue>();
  const workers: Worker[] = [];
  const workerConnections: Redis[] = [];
  const prefix = options.prefix ?? "war-room";
  for (const definition of options.definitions) {
    const queue = new Queue(definition.name, {
      connection,
      prefix,
      defaultJobOptions: { attempts: 3, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: 1000, removeOnFail: 5000 },
    });
    queue.on("error", (error) => outage.error(error, `queue ${definition.name}`));
    queues.set(definition.name, queue);
    if (definition.schedule) await queue.upsertJobScheduler(definition.name, definition.schedule, { name: definition.name, data: {} });
    if (options.work === false) continue;
    // Workers block on their own connection; we own it, so we listen to it and close it.
    const workerConnection = connection.duplicate();
    outage.watch(workerConnection, `worker ${definition.name}`);
    workerConnections.push(workerConnection);
    const worker = new Worker(definition.name, (job: Job) => run(definition, job, options), { connection: workerConnection, prefix, concurrency: 1 });
    worker.on("error", (error) => outage.error(error, `worker ${definition.name}`));
    worker.on("failed", (job, error) => options.log.warn({ job: definition.name, id: job?.id, attempt: job?.attemptsMade, err: error.message }, "job failed"));
    workers.push(worker);
  }
  return {
    queues,
    async close() {
      // Workers first: they finish the job in hand (for at most 10 s), then the queues and the connections.
      await withTimeout(Promise.all(workers.map((w) => w.close())), 10_000);
      await withTimeout(Promise.all([...queues.values()].map((q) => q.close())), 5_000);
      for (const c of [...workerConnections, connection]) c.disconnect();
    },
  };
}

/** Waits for `work` at most `ms`; a close that cannot finish (Redis gone) must not hold the exit. */
async function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((done) => (timer = setTimeout(done, ms)))]);
  clearTimeout(timer);
}

async function run(definition: JobDefinition, job: Job, options: JobRunnerOptions): Promise<unknown> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  const parsed = definition.payload.safeParse(job.data);
  if (!parsed.success) {
    options.onJobDone?.(definition.name, "failed", seconds());
    throw new UnrecoverableError(`invalid payload for ${definition.name}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"} ${i.message}`).join("; ")}`);
  }
  try {
    const result = await definition.process(parsed.data);
    options.onJobDone?.(definition.name, "completed", seconds());
    return result;
  } catch (error) {
    options.onJobDone?.(definition.name, "failed", seconds());
    // Only a temporary failure is retried (with backoff); a permanent one fails at once and is kept for inspection.
    throw classifyFailure(error);
  }
}
