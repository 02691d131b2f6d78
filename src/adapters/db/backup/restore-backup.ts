import { once } from "node:events";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { Migration, MigrationExecutor, type DataSource, type MigrationInterface } from "typeorm";
import { publicTables, readCatalog } from "./catalog.js";
import { RestoreRefused, qualifiedName, quoteIdentifier, sectionHeader, type BackupManifest, type BackupTable } from "./format.js";
import { readBackup, type SectionSink } from "./read-backup.js";

export interface RestoreResult {
  manifest: BackupManifest;
  rows: number;
  /** Tables that were in the database before and were replaced (only ever with force). */
  replacedTables: number;
  /** Migrations of this code newer than the backup, applied after the load. */
  appliedAfter: string[];
  killSwitches: { account: string; state: string; reason: string }[];
}

/** Tables whose rows mean a desk lives in this database: restoring over them needs force. */
const LIVE_DESK_TABLES = ["accounts", "orders", "fills"] as const;
const COPY_BATCH_BYTES = 256 * 1024;

/**
 * Replaces the content of the database behind `dataSource` with a backup. The file is verified
 * whole before anything is touched; then, in ONE transaction, the desk's tables are dropped, the
 * schema is rebuilt by the migrations the backup was taken at, every table is loaded, sequences
 * are set past the restored ids, the row counts are checked, and this code's newer migrations
 * run. Any failure rolls all of it back: the database is left exactly as it was.
 */
export async function restoreBackup(dataSource: DataSource, file: string, options: { force: boolean; verified?: BackupManifest }): Promise<RestoreResult> {
  // The load reads the file again and checks every section once more as it goes.
  const manifest = options.verified ?? (await readBackup(file));
  const atBackupLevel = migrationsAtBackupLevel(manifest, dataSource.migrations);
  const queryRunner = dataSource.createQueryRunner();
  const client = (await queryRunner.connect()) as pg.PoolClient;
  try {
    await queryRunner.startTransaction();
    try {
      await client.query(`SET LOCAL lock_timeout = '15s'; SET LOCAL DateStyle = 'ISO'; SET LOCAL IntervalStyle = 'postgres'`);
      await refuseWhileInUse(client);
      const existing = await publicTables(client);
      if (!options.force) await refuseOverLiveDesk(client, existing);
      if (existing.length > 0) await client.query(`DROP TABLE ${existing.map(qualifiedName).join(", ")} CASCADE`);
      await dropOtherObjects(client);

      const executor = new MigrationExecutor(dataSource, queryRunner);
      for (const migration of atBackupLevel) await executor.executeMigration(migration);
      await checkSchemaMatches(client, manifest);
      // Rows a migration seeds (a singleton settings row, say) are in the backup as they were then.
      if (manifest.tables.length > 0) await client.query(`TRUNCATE ${manifest.tables.map((t) => qualifiedName(t.name)).join(", ")}`);
      await readBackup(file, copySink(client));
      await resetSequences(client, manifest.tables);
      await checkRowCounts(client, manifest.tables);
      executor.transaction = "all"; // inside our transaction: it starts none of its own
      const appliedAfter = (await executor.executePendingMigrations()).map((m) => m.name);
      await queryRunner.commitTransaction();
      return {
        manifest,
        rows: manifest.tables.reduce((sum, t) => sum + t.rows, 0),
        replacedTables: existing.length,
        appliedAfter,
        killSwitches: await readKillSwitches(client),
      };
    } catch (error) {
      if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction();
      throw error;
    }
  } finally {
    await queryRunner.release();
  }
}

/**
 * The code's own migrations that the backup had applied, in the backup's order. A backup from a
 * newer desk (a migration this code does not know) cannot be loaded into an older schema.
 */
export function migrationsAtBackupLevel(manifest: BackupManifest, known: MigrationInterface[]): Migration[] {
  const byName = new Map(known.map((instance) => [instance.name ?? instance.constructor.name, instance]));
  const unknown = manifest.migrations.filter((m) => !byName.has(m.name)).map((m) => m.name);
  if (unknown.length > 0) {
    throw new RestoreRefused(`this backup comes from a newer War Room: its schema has migrations this code does not know (${unknown.join(", ")}). Restore it with that version or a later one.`);
  }
  return manifest.migrations.map((m) => new Migration(undefined, m.timestamp, m.name, byName.get(m.name)));
}

async function refuseWhileInUse(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ app: string; n: number }>(
    `SELECT coalesce(nullif(application_name, ''), 'unnamed client') AS app, count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
        AND application_name IS DISTINCT FROM current_setting('application_name')
      GROUP BY 1 ORDER BY 1`,
  );
  if (rows.length > 0) {
    throw new RestoreRefused(`the database is in use (${rows.map((r) => `${r.app} x${r.n}`).join(", ")}): stop the desk (npm start, bot, worker) and any other client first.`);
  }
}

async function refuseOverLiveDesk(client: pg.ClientBase, existing: string[]): Promise<void> {
  const held: string[] = [];
  for (const table of LIVE_DESK_TABLES) {
    if (!existing.includes(table)) continue;
    const { n } = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${qualifiedName(table)}`)).rows[0]!;
    if (n > 0) held.push(`${n} ${n === 1 ? table.slice(0, -1) : table}`);
  }
  if (held.length > 0) {
    throw new RestoreRefused(`the database already holds a desk (${held.join(", ")}). Restore into an empty database, or run again with --force to replace everything in it.`);
  }
}

/**
 * What else migrations may have created in the public schema (views, sequences, functions,
 * types): gone too, so that the migrations rebuild it from nothing.
 */
async function dropOtherObjects(client: pg.ClientBase): Promise<void> {
  // Objects an extension owns, or that another object owns internally (an identity sequence, a
  // range type's constructors), go with their owner and cannot be dropped alone.
  const standalone = (catalog: string, oid: string) =>
    `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype IN ('e', 'i'))`;
  const { rows } = await client.query<{ statement: string }>(
    `SELECT format('DROP %s IF EXISTS %s CASCADE', CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' ELSE 'FOREIGN TABLE' END, c.oid::regclass) AS statement
       FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm', 'S', 'f') AND ${standalone("pg_class", "c.oid")}
     UNION ALL
     SELECT format('DROP ROUTINE IF EXISTS %s CASCADE', p.oid::regprocedure)
       FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND ${standalone("pg_proc", "p.oid")}
     UNION ALL
     SELECT format('DROP %s IF EXISTS %s CASCADE', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype)
       FROM pg_type t WHERE t.typnamespace = 'public'::regnamespace AND ${standalone("pg_type", "t.oid")}
        AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))`,
  );
  for (const { statement } of rows) await client.query(statement);
}

/** Same migrations, same tables and columns: otherwise the COPY would load values into the wrong places. */
async function checkSchemaMatches(client: pg.ClientBase, manifest: BackupManifest): Promise<void> {
  const catalog = new Map((await readCatalog(client)).map((t) => [t.name, t]));
  for (const table of manifest.tables) {
    const here = catalog.get(table.name);
    if (!here) throw new Error(`the schema rebuilt at the backup's migrations has no table ${table.name}`);
    const describe = (columns: BackupTable["columns"]) => columns.map((c) => `${c.name} ${c.type}`).join(", ");
    if (describe(here.columns) !== describe(table.columns)) {
      throw new Error(`the schema rebuilt at the backup's migrations does not match the backup's table ${table.name}: (${describe(here.columns)}) here, (${describe(table.columns)}) in the backup`);
    }
  }
}

/** Streams each section into `COPY ... FROM STDIN` in batches; COPY also writes identity columns as given. */
function copySink(client: pg.ClientBase): SectionSink {
  let stream: ReturnType<typeof copyFrom> | undefined;
  let failed: Error | undefined;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  const rethrow = () => {
    if (failed) throw failed;
  };
  const flush = async () => {
    rethrow();
    if (batch.length === 0) return;
    const data = Buffer.concat(batch, batchBytes);
    batch = [];
    batchBytes = 0;
    // once() rejects when the stream fails meanwhile.
    if (!stream!.write(data)) await once(stream!, "drain");
    rethrow();
  };
  return {
    begin(table: BackupTable) {
      failed = undefined;
      stream = client.query(copyFrom(sectionHeader(table).replace(/ FROM stdin;$/, " FROM STDIN")));
      stream.on("error", (error: Error) => (failed = error));
      return Promise.resolve();
    },
    async row(line: Buffer) {
      batch.push(line);
      batchBytes += line.length;
      if (batchBytes >= COPY_BATCH_BYTES) await flush();
    },
    async end() {
      await flush();
      const done = once(stream!, "finish");
      stream!.end();
      await done;
    },
  };
}

/** Each sequence where the backup left it, and never behind an id that was restored. */
async function resetSequences(client: pg.ClientBase, tables: BackupTable[]): Promise<void> {
  for (const table of tables) {
    for (const { column, lastValue, isCalled } of table.sequences) {
      await client.query(
        `SELECT setval(seq::regclass, greatest($1::bigint, coalesce(m.top, $1::bigint)), $2 OR coalesce(m.top > $1::bigint, false))
           FROM pg_get_serial_sequence($3, $4) AS seq, (SELECT max(${quoteIdentifier(column)})::bigint AS top FROM ${qualifiedName(table.name)}) AS m`,
        [lastValue, isCalled, qualifiedName(table.name), column],
      );
    }
  }
}

async function checkRowCounts(client: pg.ClientBase, tables: BackupTable[]): Promise<void> {
  for (const table of tables) {
    const { n } = (await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${qualifiedName(table.name)}`)).rows[0]!;
    if (Number(n) !== table.rows) throw new Error(`table ${table.name} holds ${n} rows after the load where the backup has ${table.rows}`);
  }
}

async function readKillSwitches(client: pg.ClientBase): Promise<RestoreResult["killSwitches"]> {
  try {
    const { rows } = await client.query<{ account: string; state: string | null; reason: string | null }>(
      `SELECT a.name AS account, k.state, k.reason FROM accounts a LEFT JOIN kill_switch_states k ON k.account_id = a.id ORDER BY a.created_at, a.name`,
    );
    // An account without a kill-switch row is treated as halted by the desk (fail closed).
    return rows.map((r) => ({ account: r.account, state: r.state ?? "HALTED", reason: r.reason ?? "no kill-switch row" }));
  } catch {
    return [];
  }
}
