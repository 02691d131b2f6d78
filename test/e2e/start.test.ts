import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isAlive } from "../../src/local/processes.js";
import { runEntry, spawnEntry, waitForOutput } from "../support/spawn.js";

// A data folder of this file's own: `npm start` here owns its embedded PostgreSQL and redis-server.
const dataDir = mkdtempSync(join(resolve("data"), "e2e-start-"));
const env = { DATA_DIR: dataDir, LOCAL_PG_PORT: "0", LOCAL_REDIS_PORT: "0", HTTP_PORT: "0" };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const READY = /War Room is ready/;

function pidFrom(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, "utf8").split("\n")[0] ?? "", 10);
  return Number.isInteger(pid) ? pid : undefined;
}

describe("npm start", () => {
  it("reaches ready with no configuration, survives SIGKILL, and stops cleanly on SIGTERM", { timeout: 240_000 }, async () => {
    // 1. A fresh machine: no data folder content yet.
    const first = spawnEntry("src/main/start.ts", [], env);
    await waitForOutput(first, READY, 120_000);
    expect(first.output()).toContain("initialising embedded PostgreSQL (first run)");
    const postmaster = pidFrom(join(dataDir, "postgres", "postmaster.pid"));
    const redis = pidFrom(join(dataDir, "redis", "redis.pid"));
    expect(postmaster && isAlive(postmaster)).toBe(true);
    expect(redis && isAlive(redis)).toBe(true);

    // 2. Killed without a chance to clean up: its PostgreSQL and Redis are left running.
    first.kill("SIGKILL");
    await new Promise((done) => first.once("exit", done));
    expect(isAlive(postmaster!)).toBe(true);

    // 3. The next start finds them, stops them, and comes up on the same data.
    const second = spawnEntry("src/main/start.ts", [], env);
    await waitForOutput(second, READY, 120_000);
    expect(second.output()).toContain("stopping a PostgreSQL left running by an earlier process");
    expect(second.output()).toContain("stopping a redis-server left running by an earlier process");
    expect(second.output()).not.toContain("initialising embedded PostgreSQL");
    expect(isAlive(postmaster!)).toBe(false);
    expect(isAlive(redis!)).toBe(false);

    // 4. SIGTERM: connections close, then PostgreSQL and Redis stop, exit code 0.
    const secondPostmaster = pidFrom(join(dataDir, "postgres", "postmaster.pid"));
    second.kill("SIGTERM");
    const code = await new Promise((done) => second.once("exit", done));
    expect(code).toBe(0);
    expect(second.output()).toContain("stopped cleanly");
    expect(isAlive(secondPostmaster!)).toBe(false);

    // 5. And once more on the existing data folder after a clean stop.
    const third = spawnEntry("src/main/start.ts", [], env);
    await waitForOutput(third, READY, 120_000);
    expect(third.output()).not.toMatch(/left running|initialising/);
    third.kill("SIGINT");
    expect(await new Promise((done) => third.once("exit", done))).toBe(0);
  });

  it("stops cleanly on a terminal's Ctrl-C; PostgreSQL and Redis, in process groups of their own, are stopped by the desk last", { timeout: 120_000 }, async () => {
    const desk = spawnEntry("src/main/start.ts", [], env, { ownProcessGroup: true });
    await waitForOutput(desk, READY, 120_000);
    const postmaster = pidFrom(join(dataDir, "postgres", "postmaster.pid"));
    // A terminal sends SIGINT to the whole foreground process group.
    process.kill(-desk.pid!, "SIGINT");
    const code = await new Promise((done) => desk.once("exit", done));
    expect(code).toBe(0);
    expect(desk.output()).toContain("stopped cleanly");
    expect(desk.output()).not.toContain("Unhandled error event");
    expect(isAlive(postmaster!)).toBe(false);
    expect(pidFrom(join(dataDir, "redis", "redis.pid")) === undefined || !isAlive(pidFrom(join(dataDir, "redis", "redis.pid"))!)).toBe(true);
  });

  it("stops at once, naming the variable, when the configuration is wrong", async () => {
    const result = await runEntry("src/main/start.ts", [], { ...env, KS_DAILY_LOSS_PCT: "five", REDIS_URL: "localhost" });
    expect(result.code).toBe(78);
    expect(result.output).toContain("KS_DAILY_LOSS_PCT:");
    expect(result.output).toContain("REDIS_URL: expected a redis:// or rediss:// URL");
    expect(result.output).not.toMatch(/War Room is ready/);
  });
});
