import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { INITIALISED_MARKER } from "../../src/local/postgres-cluster.js";
import { packagedNativeDir } from "../../src/local/postgres-places.js";
import { exitOf, spawnEntry, waitForOutput, stopLeftovers, waitUntil } from "../support/spawn.js";

const started: ChildProcess[] = [];
function track<T extends ChildProcess>(child: T): T {
  started.push(child);
  return child;
}

// Issue 12, "Crashes and faults": a power loss during the very first start (inside initdb) must
// not leave a cluster folder that every later start trips over.
const scratch: string[] = [];
afterAll(async () => {
  await stopLeftovers(started);
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function freshDataDir(): string {
  const dir = mkdtempSync(join(resolve("data"), "e2e-initdb-"));
  scratch.push(dir);
  return dir;
}

const envFor = (dataDir: string) => ({ DATA_DIR: dataDir, LOCAL_PG_PORT: "0", LOCAL_REDIS_PORT: "0", HTTP_PORT: "0" });
const READY = /War Room is ready/;

/** True while any process of the group is left: what a power loss kills is gone at once. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** PostgreSQL runs as `postgres` when we are root: initdb must run as that user too, as the desk would. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number.parseInt(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout, 10);
  return { uid: id("-u"), gid: id("-g") };
}

async function startAndStop(dataDir: string): Promise<string> {
  const desk = track(spawnEntry("src/main/start.ts", [], envFor(dataDir)));
  await waitForOutput(desk, READY, 150_000);
  desk.kill("SIGTERM");
  expect(await exitOf(desk)).toBe(0);
  return desk.output();
}

describe("a first start interrupted inside initdb", () => {
  it("is initialised again when an older version's in-place initdb was cut off, and the cluster then keeps its data", { timeout: 240_000 }, async () => {
    const dataDir = freshDataDir();
    const cluster = join(dataDir, "postgres");
    const user = postgresUser();
    mkdirSync(cluster, { mode: 0o700 });
    const passwordFile = join(dataDir, "pw");
    writeFileSync(passwordFile, "not-the-desk-password\n");
    if (user) {
      chmodSync(dataDir, 0o755); // as the desk does: the postgres user traverses DATA_DIR
      chownSync(cluster, user.uid, user.gid);
      chownSync(passwordFile, user.uid, user.gid);
    }
    // initdb in place, as versions before this fix ran it, cut off once the cluster's control
    // file exists (bootstrap under way): the folder has PG_VERSION but no finished cluster.
    const initdb = spawn(join(packagedNativeDir(), "bin", "initdb"), [`--pgdata=${cluster}`, "--auth=scram-sha-256", "--username=postgres", `--pwfile=${passwordFile}`], {
      ...user,
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let complaints = "";
    initdb.stderr.on("data", (chunk: Buffer) => (complaints += chunk.toString()));
    await waitUntil(() => existsSync(join(cluster, "global", "pg_control")) || initdb.exitCode !== null, 60_000, "initdb to write pg_control");
    expect(initdb.exitCode, complaints).toBeNull();
    process.kill(-initdb.pid!, "SIGKILL");
    await waitUntil(() => !groupAlive(initdb.pid!), 10_000, "initdb and its bootstrap backend to be gone");
    expect(initdb.signalCode).toBe("SIGKILL"); // it really was cut off, not finished
    expect(existsSync(join(cluster, "PG_VERSION"))).toBe(true);
    expect(existsSync(join(cluster, INITIALISED_MARKER))).toBe(false);

    const output = await startAndStop(dataDir);
    expect(output).toContain("left by a first start interrupted inside initdb and holds no data: initialising it again");
    expect(existsSync(join(cluster, INITIALISED_MARKER))).toBe(true);

    // A cluster that holds data is never taken for unfinished, marker or not.
    rmSync(join(cluster, INITIALISED_MARKER));
    const again = await startAndStop(dataDir);
    expect(again).not.toMatch(/initialising/);
  });

  it("leaves no half cluster when the desk dies inside its own initdb, and the next start succeeds", { timeout: 240_000 }, async () => {
    const dataDir = freshDataDir();
    const desk = track(spawnEntry("src/main/start.ts", [], envFor(dataDir), { ownProcessGroup: true }));
    const staging = () => readdirSync(dataDir).filter((entry) => entry.startsWith("postgres.initdb-"));
    await waitUntil(() => staging().some((entry) => existsSync(join(dataDir, entry, "PG_VERSION"))), 120_000, "initdb to start writing");
    // Power loss: the desk, initdb and its bootstrap backend all end at once.
    process.kill(-desk.pid!, "SIGKILL");
    await exitOf(desk);
    await waitUntil(() => !groupAlive(desk.pid!), 10_000, "the desk's process group to be gone");
    expect(existsSync(join(dataDir, "postgres"))).toBe(false);
    expect(staging()).not.toEqual([]);

    const output = await startAndStop(dataDir);
    expect(output).toContain("removing what a first start interrupted inside initdb left");
    expect(output).toContain("initialising embedded PostgreSQL (first run)");
    expect(staging()).toEqual([]);
    expect(existsSync(join(dataDir, "postgres", INITIALISED_MARKER))).toBe(true);
  });
});
