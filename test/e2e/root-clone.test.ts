import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { deleteDataDir } from "../../src/local/embedded-postgres.js";
import { OUTSIDE_ROOT } from "../../src/local/postgres-places.js";
import { exitOf, spawnNpm, stopLeftovers, waitForOutput } from "../support/spawn.js";

const started: ChildProcess[] = [];
function track<T extends ChildProcess>(child: T): T {
  started.push(child);
  return child;
}

// Issue 12, "Fresh machine": as root, a project cloned under /root (mode 700) is out of reach of
// the postgres user that PostgreSQL runs as. `npm start` and `npm test` must work there anyway.
// Only root can be in that situation (and only root can create the folder this test needs), so
// the test is skipped for anyone else.
const asRoot = process.getuid?.() === 0;

const READY = /War Room is ready/;
const MOVED = /PostgreSQL runs as the postgres user, who cannot reach/g;

/** A copy of this working tree (what is under test) in a mode-700 folder under /root, with node_modules hard-linked. */
function cloneUnderRoot(): string {
  const home = mkdtempSync("/root/war-room-e2e-");
  chmodSync(home, 0o700);
  const clone = join(home, "war-room");
  const source = resolve(".");
  const skipped = new Set(["node_modules", "data", ".git"].map((name) => join(source, name)));
  cpSync(source, clone, { recursive: true, filter: (path) => !skipped.has(path) });
  const linked = spawnSync("cp", ["-al", realpathSync(join(source, "node_modules")), join(clone, "node_modules")]);
  if (linked.status !== 0) cpSync(realpathSync(join(source, "node_modules")), join(clone, "node_modules"), { recursive: true, verbatimSymlinks: true });
  return clone;
}

describe.skipIf(!asRoot)("a fresh clone under /root, as root", () => {
  const clone = asRoot ? cloneUnderRoot() : "";
  const env = { LOCAL_PG_PORT: "0", LOCAL_REDIS_PORT: "0", HTTP_PORT: "0" };
  afterAll(async () => {
    await stopLeftovers(started);
    await deleteDataDir(join(clone, "data"));
    rmSync(resolve(clone, ".."), { recursive: true, force: true });
  });

  it("is out of the postgres user's reach (the situation under test)", () => {
    expect(statSync(resolve(clone, "..")).mode & 0o777).toBe(0o700);
    const id = (flag: string) => Number.parseInt(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout, 10);
    // On a machine with no postgres user yet the desk creates one; nobody but root can enter /root then either.
    if (!Number.isInteger(id("-u"))) return;
    expect(spawnSync("test", ["-x", join(clone, "node_modules")], { uid: id("-u"), gid: id("-g") }).status).not.toBe(0);
  });

  it("npm start reaches ready, says once where PostgreSQL lives, stops on SIGTERM, and the next start finds the same cluster", { timeout: 240_000 }, async () => {
    const first = track(spawnNpm(["start"], env, { cwd: clone }));
    await waitForOutput(first, READY, 180_000);
    expect(first.output().match(MOVED)).toHaveLength(1);
    expect(first.output()).toContain("initialising embedded PostgreSQL (first run)");
    const cluster = realpathSync(join(clone, "data", "postgres"));
    expect(cluster.startsWith(`${OUTSIDE_ROOT}/`)).toBe(true);
    expect(basename(resolve(cluster, ".."))).toMatch(/^war-room-[0-9a-f]{12}$/);
    first.kill("SIGTERM");
    expect(await exitOf(first)).toBe(0);
    expect(first.output()).toContain("stopped cleanly");

    const second = track(spawnNpm(["start"], env, { cwd: clone }));
    await waitForOutput(second, READY, 180_000);
    expect(second.output()).not.toContain("initialising embedded PostgreSQL");
    expect(realpathSync(join(clone, "data", "postgres"))).toBe(cluster);
    second.kill("SIGTERM");
    expect(await exitOf(second)).toBe(0);
  });

  it("npm test runs there: its global setup starts PostgreSQL and Redis and a test reaches both", { timeout: 240_000 }, async () => {
    writeFileSync(
      join(clone, "test", "root-clone-probe.test.ts"),
      [
        'import pg from "pg";',
        'import { Redis } from "ioredis";',
        'import { expect, inject, it } from "vitest";',
        'it("reaches the suite\'s PostgreSQL and Redis", async () => {',
        '  const client = new pg.Client({ connectionString: inject("pgAdminUrl") });',
        "  await client.connect();",
        '  expect((await client.query("SELECT 1 AS one")).rows[0].one).toBe(1);',
        "  await client.end();",
        '  const redis = new Redis(inject("redisUrl"));',
        '  expect(await redis.ping()).toBe("PONG");',
        "  redis.disconnect();",
        "});",
        "",
      ].join("\n"),
    );
    const run = track(spawnNpm(["test", "--", "test/root-clone-probe.test.ts"], {}, { cwd: clone }));
    const code = await exitOf(run);
    expect(run.output()).not.toContain("EACCES");
    expect(code, run.output()).toBe(0);
    expect(run.output()).toMatch(/1 passed/);
    expect(existsSync(join(clone, "data", "test"))).toBe(true);
  });
});
