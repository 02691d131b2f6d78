import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isAlive } from "../../src/local/processes.js";
import { spawnEntry, waitForOutput } from "../support/spawn.js";

const dataDir = mkdtempSync(join(resolve("data"), "e2e-redis-outage-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function pidFrom(file: string): number {
  if (!existsSync(file)) throw new Error(`no ${file}`);
  return Number.parseInt(readFileSync(file, "utf8").split("\n")[0] ?? "", 10);
}

describe("npm start when its Redis dies", () => {
  it("tells the admins, reports it in /readyz, keeps the log quiet, and still stops cleanly", { timeout: 180_000 }, async () => {
    const desk = spawnEntry("src/main/start.ts", [], { DATA_DIR: dataDir, LOCAL_PG_PORT: "0", LOCAL_REDIS_PORT: "0", HTTP_PORT: "0", WATCHDOG_EVERY_SECONDS: "1" });
    await waitForOutput(desk, /War Room is ready/, 120_000);
    const http = /"http":"(http:\/\/[^"]+)"/.exec(desk.output())![1]!;
    const postmaster = pidFrom(join(dataDir, "postgres", "postmaster.pid"));
    expect((await fetch(`${http}/readyz`)).status).toBe(200);

    process.kill(pidFrom(join(dataDir, "redis", "redis.pid")), "SIGKILL");
    await waitForOutput(desk, /"condition":"redis".*"msg":"watchdog: condition failing"/, 30_000);
    // The admin's terminal chat shows the alert (local mode prints what the bot sends).
    await waitForOutput(desk, /Redis unreachable/, 10_000);
    const readiness = await fetch(`${http}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toMatchObject({ status: "not_ready", redis: expect.stringMatching(/failed|timeout/), watchdog: { redis: "failed" } });
    // Every connection (commands, queues, a worker per job) reconnects several times a second: the log must not.
    const logLines = desk.output().split("\n").filter((l) => /redis/i.test(l) && /"level":(40|50)/.test(l));
    expect(logLines.length).toBeLessThan(5);

    const started = Date.now();
    desk.kill("SIGTERM");
    const code = await new Promise((done) => desk.once("exit", done));
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(desk.output()).toContain("stopped cleanly");
    expect(isAlive(postmaster)).toBe(false);
  });
});
