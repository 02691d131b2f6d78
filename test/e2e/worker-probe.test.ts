import { mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { spawnEntry, waitForOutput } from "../support/spawn.js";

const db = useTestDatabase();
const { url: redisUrl } = useTestRedis();
const dataDir = mkdtempSync(join(resolve("data"), "e2e-worker-probe-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("npm run worker", () => {
  it("serves /healthz and /readyz (with the watchdog's look) and records the jobs it completes", { timeout: 90_000 }, async () => {
    const worker = spawnEntry("src/main/worker.ts", [], { DATA_DIR: dataDir, DATABASE_URL: db.url, REDIS_URL: redisUrl, HTTP_PORT: "0", MARKET_DATA: "none", TRIGGER_CHECK_EVERY_SECONDS: "1" });
    try {
      await waitForOutput(worker, /worker is ready/, 60_000);
      const http = /"http":"(http:\/\/[^"]+)","jobs"/.exec(worker.output())![1]!;
      expect(await (await fetch(`${http}/healthz`)).json()).toEqual({ status: "ok" });
      const ready = await fetch(`${http}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ready", database: "ok", redis: "ok", watchdog: { databaseWrites: "ok", redis: "ok", overdueJobs: [] } });
      // The watchdog of any process reads these beats from PostgreSQL.
      await expect.poll(async () => (await db.dataSource.query(`SELECT job FROM job_heartbeats WHERE job = 'trigger-check'`)).length, { timeout: 20_000, interval: 100 }).toBe(1);
    } finally {
      worker.kill("SIGTERM");
      expect(await new Promise((done) => worker.once("exit", done))).toBe(0);
    }
  });
});
