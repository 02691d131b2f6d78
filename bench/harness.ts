/**
 * The plumbing the benchmarks share: a durable (fsync on) embedded PostgreSQL under data/bench,
 * or the server of BENCH_DATABASE_URL (a URL to any database there); a fresh bench database,
 * created, migrated and dropped again (unless BENCH_KEEP_DB=1); the phase boundary `settle`;
 * the results table with targets; and the entry point that reports a failure by exit code.
 */
import { resolve } from "node:path";
import pg from "pg";
import type { DataSource } from "typeorm";
import { createDataSource, migrateUp } from "../src/adapters/db/data-source.js";
import { pgPool } from "../src/adapters/db/pool.js";
import { startEmbeddedPostgres, type LocalPostgres } from "../src/local/embedded-postgres.js";
import { createLogger } from "../src/logger.js";
import { formatMs, formatTable, msSince, type Status } from "./stats.js";

export const say = (line = "") => process.stdout.write(line + "\n");

export interface ResultRow {
  metric: string;
  result: string;
  target: string;
  status: Status;
}

/** The rows of the summary table; a missed target is a result, not an error. */
export class Results {
  readonly rows: ResultRow[] = [];

  record(metric: string, result: string, target: string, status: Status): void {
    this.rows.push({ metric, result, target, status });
  }

  printSummary(): void {
    say(`\n${"=".repeat(24)} summary ${"=".repeat(24)}`);
    say(formatTable(["metric", "result", "target", "status"], this.rows.map((r) => [r.metric, r.result, r.target, r.status])));
    const failed = this.rows.filter((r) => r.status === "FAIL").length;
    say(failed === 0 ? "\nall targets met" : `\n${failed} target(s) missed (a measurement, not an error: exit code stays 0)`);
  }
}

export interface BenchDatabaseOptions {
  /** The database the benchmark creates (dropping any left over) and drops again. */
  database: string;
  poolSize: number;
  /** Connections kept open however long idle (as the desk's processes keep them). */
  keepConnections?: number;
  applicationName: string;
}

export interface BenchContext {
  dataSource: DataSource;
  pool: pg.Pool;
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Starts (or connects to) the server, creates and migrates `options.database`, runs `run` on it,
 * and always cleans up: the data source, the database (kept with BENCH_KEEP_DB=1), the server.
 * Prints the total run time when `run` succeeded.
 */
export async function withBenchDatabase(options: BenchDatabaseOptions, run: (ctx: BenchContext) => Promise<void>): Promise<void> {
  const { database } = options;
  const started = process.hrtime.bigint();
  const log = createLogger("warn", "bench");
  let postgres: LocalPostgres | undefined;
  let dataSource: DataSource | undefined;
  let serverUrl: string | undefined;
  let created = false;
  try {
    serverUrl = process.env.BENCH_DATABASE_URL;
    if (!serverUrl) {
      const t = process.hrtime.bigint();
      postgres = await startEmbeddedPostgres({ dataDir: resolve("data", "bench"), port: 0, log, durable: true, settings: serverSettings() });
      serverUrl = postgres.adminUrl;
      say(`embedded PostgreSQL on port ${postgres.port} (durable, fsync on), up in ${formatMs(msSince(t))}`);
    } else {
      say("using the server of BENCH_DATABASE_URL");
    }
    await admin(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin(serverUrl, `CREATE DATABASE ${database}`);
    created = true;
    dataSource = createDataSource({ url: databaseUrl(serverUrl, database), poolSize: options.poolSize, applicationName: options.applicationName, ...(options.keepConnections ? { keepConnections: options.keepConnections } : {}) });
    await dataSource.initialize();
    await migrateUp(dataSource);
    await run({ dataSource, pool: pgPool(dataSource) });
  } finally {
    if (dataSource?.isInitialized) await dataSource.destroy();
    if (serverUrl && created && process.env.BENCH_KEEP_DB !== "1") {
      await admin(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch((error) => log.warn({ err: error }, "dropping the bench database failed"));
    }
    await postgres?.stop();
  }
  say(`\ntotal run time: ${(msSince(started) / 1000).toFixed(1)} s`);
}

/**
 * BENCH_PG_SETTINGS="log_lock_waits=on;log_min_duration_statement=50": extra server settings for
 * one run of the embedded server (to look into a tail), never written to the cluster's files.
 */
function serverSettings(): Record<string, string> | undefined {
  const text = process.env.BENCH_PG_SETTINGS?.trim();
  if (!text) return undefined;
  return Object.fromEntries(text.split(";").filter(Boolean).map((pair) => {
    const at = pair.indexOf("=");
    if (at <= 0) throw new Error(`BENCH_PG_SETTINGS: "${pair}" is not name=value`);
    return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
  }));
}

/** "PostgreSQL 16.x: fsync=on synchronous_commit=on shared_buffers=128MB" */
export async function describeServer(pool: pg.Pool): Promise<string> {
  const settings = await pool.query<{ version: string; fsync: string; sync: string; sb: string }>(
    `SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
            current_setting('synchronous_commit') AS sync, current_setting('shared_buffers') AS sb`,
  );
  const s = settings.rows[0];
  return `PostgreSQL ${s?.version}: fsync=${s?.fsync} synchronous_commit=${s?.sync} shared_buffers=${s?.sb}`;
}

/**
 * Phase boundary: VACUUM (ANALYZE) does now what autovacuum would do a minute later (in the
 * middle of the next measurement), and CHECKPOINT writes out the phase's dirty buffers, so the
 * next phase neither waits for them on eviction nor shares the disk with a background flush.
 * `showTables` names the tables in the printed line.
 */
export async function settle(pool: pg.Pool, tables: string, options: { showTables?: boolean } = {}): Promise<void> {
  let t = process.hrtime.bigint();
  await pool.query(`VACUUM (ANALYZE) ${tables}`);
  const vacuumMs = msSince(t);
  t = process.hrtime.bigint();
  await pool.query("CHECKPOINT");
  say(`    settle: VACUUM (ANALYZE) ${options.showTables ? `${tables} ` : ""}${formatMs(vacuumMs)}, CHECKPOINT ${formatMs(msSince(t))}`);
}

/** Runs a benchmark's main; a failure goes to stderr as `<name> failed: ...` with exit code 1. */
export function runBenchmark(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
