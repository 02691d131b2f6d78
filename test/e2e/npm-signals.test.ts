import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { isAlive } from "../../src/local/processes.js";
import { descendantsOf, exitOf, spawnNpm, waitForOutput, stopLeftovers, waitUntil } from "../support/spawn.js";

const started: ChildProcess[] = [];
function track<T extends ChildProcess>(child: T): T {
  started.push(child);
  return child;
}

// Issue 12, "Stopping must always work": signals reach the desk through npm, and it stops once,
// within the 30 s its shutdown promises, leaving no PostgreSQL or redis-server behind.
const dataDir = mkdtempSync(join(resolve("data"), "e2e-npm-signals-"));
const env = { DATA_DIR: dataDir, LOCAL_PG_PORT: "0", LOCAL_REDIS_PORT: "0", HTTP_PORT: "0" };
afterAll(async () => {
  await stopLeftovers(started);
  rmSync(dataDir, { recursive: true, force: true });
});

const READY = /War Room is ready/;

function pidFrom(file: string): number {
  const pid = existsSync(file) ? Number.parseInt(readFileSync(file, "utf8").split("\n")[0] ?? "", 10) : Number.NaN;
  if (!Number.isInteger(pid)) throw new Error(`no pid in ${file}`);
  return pid;
}

/**
 * The desk's local services, and everything else below npm, while it runs. The services must be
 * gone when the desk exits; helpers that end because their parent did (tsx's esbuild service
 * reads its stdin to the end) get a few seconds to notice.
 */
function childrenOf(npmPid: number): { services: number[]; all: number[] } {
  const services = [pidFrom(join(dataDir, "postgres", "postmaster.pid")), pidFrom(join(dataDir, "redis", "redis.pid"))];
  for (const pid of services) expect(isAlive(pid)).toBe(true);
  return { services, all: [...new Set([...services, ...descendantsOf(npmPid).map((p) => p.pid)])] };
}

async function expectNoneLeft(children: { services: number[]; all: number[] }): Promise<void> {
  expect(children.services.filter(isAlive)).toEqual([]);
  await waitUntil(() => !children.all.some(isAlive), 5_000, "the desk's other child processes to end").catch(() => undefined);
  expect(children.all.filter(isAlive).map((pid) => `${pid} ${commandOf(pid)}`)).toEqual([]);
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

describe("npm start and signals", () => {
  it("stops cleanly, with exit code 0 and no child left, on a SIGTERM to npm's own pid", { timeout: 180_000 }, async () => {
    const npm = track(spawnNpm(["start"], env));
    await waitForOutput(npm, READY, 150_000);
    const children = childrenOf(npm.pid!);
    expect(descendantsOf(npm.pid!).some((p) => /postgres/.test(p.command))).toBe(true);

    const sent = Date.now();
    npm.kill("SIGTERM");
    const code = await exitOf(npm);
    const tookMs = Date.now() - sent;

    expect(npm.output()).toContain("stopped cleanly");
    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(30_000);
    await expectNoneLeft(children);
  });

  it("stops once on a terminal's Ctrl-C (SIGINT to the whole process group, npm forwarding its own copy)", { timeout: 180_000 }, async () => {
    const npm = track(spawnNpm(["start"], env, { ownProcessGroup: true }));
    await waitForOutput(npm, READY, 150_000);
    const children = childrenOf(npm.pid!);

    process.kill(-npm.pid!, "SIGINT");
    const code = await exitOf(npm);

    expect(code).toBe(0);
    expect(npm.output().match(/shutting down/g)).toHaveLength(1);
    expect(npm.output()).toContain("stopped cleanly");
    expect(npm.output()).not.toContain("exiting now");
    await expectNoneLeft(children);
  });

  it("after a Redis outage, a SIGTERM still ends within 30 s and stops PostgreSQL", { timeout: 180_000 }, async () => {
    const npm = track(spawnNpm(["start"], env));
    await waitForOutput(npm, READY, 150_000);
    const children = childrenOf(npm.pid!);
    const redis = pidFrom(join(dataDir, "redis", "redis.pid"));

    const before = npm.output().length;
    process.kill(redis, "SIGKILL");
    // The desk has seen the outage (its connections report it) before it is asked to stop.
    await waitUntil(() => !isAlive(redis) && /ECONNREFUSED|connection|closed/i.test(npm.output().slice(before)), 30_000, "the desk to see Redis gone");
    const sent = Date.now();
    npm.kill("SIGTERM");
    const code = await exitOf(npm);
    const tookMs = Date.now() - sent;

    expect(tookMs).toBeLessThan(30_000);
    expect(npm.output()).not.toContain("shutdown did not finish within 30 s");
    expect(code).toBe(0);
    await expectNoneLeft(children);
  });

  it("a SIGTERM while it is still starting (PostgreSQL up, the desk not ready) ends it without leaving PostgreSQL behind", { timeout: 180_000 }, async () => {
    const npm = track(spawnNpm(["start"], env));
    await waitForOutput(npm, /embedded PostgreSQL is running/, 150_000);
    const postgres = pidFrom(join(dataDir, "postgres", "postmaster.pid"));
    const below = descendantsOf(npm.pid!).map((p) => p.pid);

    npm.kill("SIGTERM");
    await exitOf(npm);

    await waitUntil(() => !isAlive(postgres), 30_000, "PostgreSQL to stop");
    await expectNoneLeft({ services: [postgres], all: [postgres, ...below] });
  });

  it.each([
    ["worker", /worker is ready/],
    ["bot", /bot process is ready/],
  ])("npm run %s also stops cleanly, with exit code 0, on a SIGTERM to npm's own pid", { timeout: 180_000 }, async (script, ready) => {
    const npm = track(spawnNpm(["run", script], env));
    await waitForOutput(npm, ready, 150_000);
    const children = childrenOf(npm.pid!);

    npm.kill("SIGTERM");
    const code = await exitOf(npm);

    expect(npm.output()).toContain("stopped cleanly");
    expect(code).toBe(0);
    await expectNoneLeft(children);
  });
});
