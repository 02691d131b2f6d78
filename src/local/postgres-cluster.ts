import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chown, mkdir, open, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import type { Logger } from "../logger.js";
import type { PostgresPlaces } from "./postgres-places.js";
import { stopProcess, stopWhenThisProcessExits } from "./processes.js";

/**
 * Written into a cluster folder once initdb finished, before the folder gets its final name.
 * A cluster folder with it is never re-initialised, whatever else it looks like.
 */
export const INITIALISED_MARKER = "war-room-initialised";

/** Every database and relation a user creates gets an OID from here up (FirstNormalObjectId). */
const FIRST_USER_OID = 16_384;

export type ClusterFolderState =
  | "absent"
  /** Finished by initdb (marked), or unmarked but holding something a user created: never touched. */
  | "initialised"
  /** Left by a first start that stopped inside initdb: nothing but what initdb itself writes. */
  | "unfinished";

/**
 * Tells an unfinished first initialisation from a cluster with data. Earlier versions of the
 * desk ran initdb in place, so a power loss inside it left a cluster folder that every later start
 * tried to use ("database system is in recovery mode", "database "postgres" does not exist").
 * Unfinished means precisely: no INITIALISED_MARKER, and either no PG_VERSION at all, or no
 * tablespace and no database or relation file with a user OID (>= 16384) anywhere. A cluster the
 * desk ever used holds its `warroom` database (a user OID), so it is never taken for unfinished.
 */
export async function classifyClusterFolder(clusterDir: string): Promise<ClusterFolderState> {
  if (!(await exists(clusterDir))) return "absent";
  if (await exists(resolve(clusterDir, INITIALISED_MARKER))) return "initialised";
  if (!(await exists(resolve(clusterDir, "PG_VERSION")))) return "unfinished";
  if ((await readdir(resolve(clusterDir, "pg_tblspc")).catch(() => [])).length > 0) return "initialised";
  for (const database of await readdir(resolve(clusterDir, "base")).catch(() => [] as string[])) {
    if (userOid(database)) return "initialised";
    const files = await readdir(resolve(clusterDir, "base", database)).catch(() => [] as string[]);
    if (files.some(userOid)) return "initialised";
  }
  return "unfinished";
}

function userOid(name: string): boolean {
  const oid = Number.parseInt(name, 10);
  return Number.isInteger(oid) && oid >= FIRST_USER_OID;
}

/**
 * Makes sure `places.clusterDir` holds a finished cluster. initdb runs in a temporary sibling
 * folder that gets the cluster's name only once initdb completed and the marker is written, so a
 * crash at any moment leaves either no cluster or a whole one. What an interrupted first start
 * left (a temporary sibling, or an unfinished cluster folder from an older version) is removed
 * and logged.
 */
export async function ensureCluster(places: PostgresPlaces, password: string, log: Logger): Promise<void> {
  const { clusterDir } = places;
  await removeInterruptedAttempts(clusterDir, log);
  const state = await classifyClusterFolder(clusterDir);
  if (state === "initialised") return;
  if (state === "unfinished") {
    log.warn({ clusterDir }, "the cluster folder was left by a first start interrupted inside initdb and holds no data: initialising it again");
    await rm(clusterDir, { recursive: true, force: true });
  }
  log.info({ clusterDir }, "initialising embedded PostgreSQL (first run)");
  const suffix = randomBytes(4).toString("hex");
  const staging = `${clusterDir}.initdb-${suffix}`;
  const passwordFile = `${clusterDir}.pwfile-${suffix}`;
  await mkdir(staging, { mode: 0o700 });
  await writeFile(passwordFile, password + "\n", { mode: 0o600 });
  try {
    if (places.runAs) {
      await chown(staging, places.runAs.uid, places.runAs.gid);
      await chown(passwordFile, places.runAs.uid, places.runAs.gid);
    }
    await runInitdb(places, staging, passwordFile);
    await writeFile(resolve(staging, INITIALISED_MARKER), "initdb completed; see src/local/postgres-cluster.ts\n");
    if (places.runAs) await chown(resolve(staging, INITIALISED_MARKER), places.runAs.uid, places.runAs.gid);
    await rename(staging, clusterDir);
    await syncFolder(dirname(clusterDir));
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  } finally {
    await rm(passwordFile, { force: true });
  }
}

async function removeInterruptedAttempts(clusterDir: string, log: Logger): Promise<void> {
  const prefix = `${basename(clusterDir)}.`;
  for (const entry of await readdir(dirname(clusterDir)).catch(() => [] as string[])) {
    if (!entry.startsWith(prefix) || !/\.(initdb|pwfile)-[0-9a-f]{8}$/.test(entry)) continue;
    const path = resolve(dirname(clusterDir), entry);
    log.warn({ path }, "removing what a first start interrupted inside initdb left");
    // An initdb orphaned by a killed process may still be writing into it: retry, then let it be.
    await rm(path, { recursive: true, force: true, maxRetries: 5 }).catch((error) => log.warn({ path, err: String(error) }, "could not remove it yet"));
  }
}

function runInitdb(places: PostgresPlaces, pgdata: string, passwordFile: string): Promise<void> {
  const initdb = resolve(places.nativeDir, "bin", "initdb");
  const args = [`--pgdata=${pgdata}`, "--auth=scram-sha-256", "--username=postgres", `--pwfile=${passwordFile}`, "--encoding=UTF8", "--lc-messages=C"];
  return new Promise((done, fail) => {
    const child = spawn(initdb, args, { ...places.runAs, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } });
    let output = "";
    const collect = (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-4000));
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("error", (error) => fail(new Error(`initdb could not run (${initdb}): ${error.message}`)));
    child.once("close", (code, signal) => (code === 0 ? done() : fail(new Error(`initdb failed (${code ?? signal}):\n${output.trim()}`))));
  });
}

export interface Postmaster {
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts the server and waits until it accepts connections. It gets its own process group: a
 * terminal's Ctrl-C must not stop the database under a desk that is still draining work; the desk
 * stops it last (and, should the desk exit any other way, its exit hook does).
 */
export async function startPostmaster(
  places: PostgresPlaces,
  options: { port: number; password: string; flags: string[]; log: Logger },
): Promise<Postmaster> {
  const postgres = resolve(places.nativeDir, "bin", "postgres");
  const child = spawn(postgres, ["-D", places.clusterDir, "-p", String(options.port), ...options.flags], {
    ...places.runAs,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LC_MESSAGES: "C" },
  });
  const recent: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      options.log.debug({ postgres: line }, "postgres");
    }
  };
  child.stdout.on("data", remember);
  child.stderr.on("data", remember);
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  const pid = child.pid;
  if (pid === undefined) {
    await new Promise((next) => setImmediate(next));
    throw new Error(`embedded PostgreSQL could not run (${postgres}): ${spawnError?.message ?? "no process"}`);
  }
  const forget = stopWhenThisProcessExits(pid, "SIGINT");
  const stop = async () => {
    // SIGINT is PostgreSQL's fast shutdown: sessions end, open transactions roll back, a checkpoint is written.
    if (!(await stopProcess(pid, { signal: "SIGINT", graceMs: 10_000, forceSignal: "SIGQUIT" }))) throw new Error(`PostgreSQL (pid ${pid}) did not stop`);
    forget();
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || spawnError) {
      forget();
      throw new Error(`embedded PostgreSQL did not start (${spawnError?.message ?? child.exitCode ?? child.signalCode}):\n${recent.join("\n")}`);
    }
    const ready = await accepts(options.port, options.password).catch(async (error: unknown) => {
      await stop().catch(() => undefined);
      throw error;
    });
    if (ready) return { pid, stop };
    if (Date.now() > deadline) {
      await stop().catch(() => undefined);
      throw new Error(`embedded PostgreSQL did not accept connections within 120 s:\n${recent.join("\n")}`);
    }
    await sleep(100);
  }
}

async function accepts(port: number, password: string): Promise<boolean> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres", connectionTimeoutMillis: 2_000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    // Answers that waiting will not change: say them now instead of after the deadline.
    if (code === "28P01") throw new Error("embedded PostgreSQL refused the password in DATA_DIR/postgres.password (was the file replaced?)", { cause: error });
    if (code === "3D000") throw new Error(`embedded PostgreSQL has no "postgres" database: ${(error as Error).message}`, { cause: error });
    return false; // not listening yet, or still recovering ("the database system is starting up")
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Makes a rename inside `folder` durable (the rename is what marks the cluster finished). */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}
