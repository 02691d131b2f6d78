import { randomBytes } from "node:crypto";
import { QueueEvents } from "bullmq";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { JobName } from "../../jobs/names.js";
import type { JobDefinition } from "../../jobs/registry.js";
import { triggerCheckJob } from "../../jobs/trigger-check.js";
import { KillSwitchRepository } from "../../src/adapters/db/repositories/kill-switch-repository.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { startJobRunner } from "../../src/adapters/queue/job-runner.js";
import type { KillSwitchDeps } from "../../src/app/kill-switch/deps.js";
import { createLogger } from "../../src/logger.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { killSwitchDeps } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";

const db = useTestDatabase();
const { url: redisUrl, redis } = useTestRedis();

/** BullMQ keys live under their own prefix per test; remove them when the test ends. */
async function dropPrefix(prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
}
const log = createLogger("silent");

function deps(notifier: RecordingNotifier): KillSwitchDeps {
  return killSwitchDeps(db.dataSource, { notifier, clock: { now: () => new Date("2026-11-24T16:00:00Z") } });
}

describe("job runner", () => {
  it("upserts one scheduler per job, however many workers start, and runs trigger-check", async () => {
    const prefix = `test-${randomBytes(4).toString("hex")}`;
    const notifier = new RecordingNotifier();
    const account = await createAccount(db.dataSource);
    await db.dataSource.query(`UPDATE kill_switch_states SET consecutive_api_errors = 3 WHERE account_id = $1`, [account]);
    const definition = triggerCheckJob(deps(notifier), 30);
    const first = await startJobRunner({ redisUrl, prefix, definitions: [definition], log });
    const second = await startJobRunner({ redisUrl, prefix, definitions: [definition], log });
    try {
      const queue = first.queues.get("trigger-check")!;
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => [s.key, s.every])).toEqual([["trigger-check", 30_000]]);
      // The scheduler's first run starts at once; wait for the account to be halted by it.
      const alert = await notifier.next((a) => a.accountId === account);
      expect(alert.title).toContain("api_error");
      expect((await new KillSwitchRepository(db.dataSource).status(account))?.state).toBe("HALTED");
    } finally {
      await first.close();
      await second.close();
      await dropPrefix(prefix);
    }
  });

  it("fails a job with a bad payload at once, and retries a temporary failure with backoff", async () => {
    const prefix = `test-${randomBytes(4).toString("hex")}`;
    let calls = 0;
    // A stand-in processor under a real job name (the runner takes only the desk's jobs), in this test's own prefix.
    const FLAKY: JobName = "order-reconcile";
    const flaky: JobDefinition<{ n: number }> = {
      name: FLAKY,
      payload: z.object({ n: z.number().int() }).strict(),
      process: async ({ n }) => {
        if (n < 0) throw new TypeError("cannot read properties of undefined");
        calls += 1;
        if (calls < 3) throw new Error("temporary: broker unreachable");
        return "ok";
      },
    };
    const runner = await startJobRunner({ redisUrl, prefix, definitions: [flaky], log });
    const events = new QueueEvents(FLAKY, { connection: { url: redisUrl }, prefix });
    await events.waitUntilReady();
    try {
      const queue = runner.queues.get(FLAKY)!;
      const bad = await queue.add(FLAKY, { n: "not a number" }, { attempts: 3, backoff: { type: "fixed", delay: 10 } });
      await expect(bad.waitUntilFinished(events, 10_000)).rejects.toThrow(/invalid payload for order-reconcile: n /);
      expect((await queue.getJob(bad.id!))?.attemptsMade).toBe(1);
      expect(calls).toBe(0);

      const good = await queue.add(FLAKY, { n: 1 }, { attempts: 3, backoff: { type: "fixed", delay: 10 } });
      expect(await good.waitUntilFinished(events, 10_000)).toBe("ok");
      expect(calls).toBe(3);

      // A bug fails the same way every time: no retry, and the job stays in the failed set.
      calls = 0;
      const buggy = await queue.add(FLAKY, { n: -1 }, { attempts: 3, backoff: { type: "fixed", delay: 10 } });
      await expect(buggy.waitUntilFinished(events, 10_000)).rejects.toThrow(/permanent failure, not retried: TypeError/);
      expect((await queue.getJob(buggy.id!))?.attemptsMade).toBe(1);
      expect(await queue.getJobCounts("failed")).toEqual({ failed: 2 });
    } finally {
      await events.close();
      await runner.close();
      await dropPrefix(prefix);
    }
  });
});
