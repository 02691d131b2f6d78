import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import { createGzip, gzipSync, type Gzip } from "node:zlib";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { readCatalog, type CatalogTable } from "./catalog.js";
import { BACKUP_FORMAT, BACKUP_VERSION, MANIFEST_PREFIX, SECTION_END, countNewlines, qualifiedName, quoteIdentifier, sectionHeader, type BackupManifest, type BackupTable } from "./format.js";

export interface BackupResult {
  path: string;
  tables: number;
  rows: number;
  bytes: number;
  seconds: number;
  manifest: BackupManifest;
}

export interface BackupOptions {
  databaseUrl: string;
  out: string;
  /** Progress: called after each table's section is written, while the snapshot is still open. */
  onTable?: (table: BackupTable) => Promise<void> | void;
}

/**
 * Writes a consistent logical backup of the database at `databaseUrl` to `out` (mode 0600: it
 * holds the audit log and operator ids). Every table is read in one REPEATABLE READ, READ ONLY
 * transaction, so the file is one snapshot even while the desk trades; nothing is written to the
 * database. The file appears under its name only once complete (written beside it, then renamed).
 */
export async function writeBackup(options: BackupOptions): Promise<BackupResult> {
  const started = performance.now();
  const path = resolve(options.out);
  if (await stat(path).then(() => true, () => false)) throw new Error(`${path} already exists: choose another --out`);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const bodyPath = join(dirname(path), `.${basename(path)}.body.partial`);
  const partialPath = `${path}.partial`;
  try {
    const manifest = await dumpBody(options, bodyPath);
    await assemble(partialPath, manifest, bodyPath);
    await rename(partialPath, path);
    const { size } = await stat(path);
    const seconds = (performance.now() - started) / 1000;
    return { path, tables: manifest.tables.length, rows: manifest.tables.reduce((sum, t) => sum + t.rows, 0), bytes: size, seconds, manifest };
  } finally {
    await rm(bodyPath, { force: true });
    await rm(partialPath, { force: true });
  }
}

/** The sections, gzipped into `bodyPath`, and the manifest that describes them. */
async function dumpBody(options: BackupOptions, bodyPath: string): Promise<BackupManifest> {
  const client = new pg.Client({ connectionString: options.databaseUrl, application_name: "backup" });
  // An idle client's 'error' (the server going away between queries) must not crash the process:
  // the query in hand fails with it instead.
  client.on("error", () => undefined);
  await client.connect();
  const file = createWriteStream(bodyPath, { mode: 0o600 });
  const gzip = createGzip();
  const written = pipeline(gzip, file);
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    // Values are written as text: in formats any server reads back the same, whatever its own
    // settings (as pg_dump does).
    await client.query(`SET LOCAL DateStyle = 'ISO'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 3; SET LOCAL TimeZone = 'UTC'`);
    const migrations = await readMigrations(client);
    const catalog = await readCatalog(client);
    // As pg_dump does: no table can be dropped or altered under the backup, and writes go on.
    if (catalog.length > 0) await client.query(`LOCK TABLE ${catalog.map((t) => qualifiedName(t.name)).join(", ")} IN ACCESS SHARE MODE`);
    const tables: BackupTable[] = [];
    for (const table of catalog) {
      tables.push(await dumpTable(client, table, gzip));
      await options.onTable?.(tables.at(-1)!);
    }
    const { database, serverVersion } = (await client.query<{ database: string; serverVersion: string }>(`SELECT current_database() AS database, current_setting('server_version') AS "serverVersion"`)).rows[0]!;
    await client.query("COMMIT");
    gzip.end();
    await written;
    return { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: new Date().toISOString(), serverVersion, database, migrations, tables };
  } catch (error) {
    gzip.destroy();
    await written.catch(() => undefined);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function readMigrations(client: pg.Client): Promise<BackupManifest["migrations"]> {
  const { found } = (await client.query<{ found: string | null }>(`SELECT to_regclass('public.migrations')::text AS found`)).rows[0]!;
  if (!found) throw new Error("this database holds no War Room schema (it has no migrations table): nothing to back up");
  const { rows } = await client.query<{ timestamp: string; name: string }>(`SELECT timestamp::text AS timestamp, name FROM migrations ORDER BY id`);
  return rows.map((r) => ({ timestamp: Number(r.timestamp), name: r.name }));
}

async function dumpTable(client: pg.Client, table: CatalogTable, gzip: Gzip): Promise<BackupTable> {
  await write(gzip, `${sectionHeader(table)}\n`);
  const columns = table.columns.map((c) => quoteIdentifier(c.name)).join(", ");
  const source = table.partitioned ? `(SELECT ${columns} FROM ${qualifiedName(table.name)})` : `${qualifiedName(table.name)} (${columns})`;
  const hash = createHash("sha256");
  let rows = 0;
  for await (const chunk of client.query(copyTo(`COPY ${source} TO STDOUT`)) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    rows += countNewlines(chunk);
    await write(gzip, chunk);
  }
  await write(gzip, `${SECTION_END}\n`);
  const sequences = [];
  for (const { column, sequence } of table.sequences) {
    const [state] = (await client.query<{ lastValue: string; isCalled: boolean }>(`SELECT last_value::text AS "lastValue", is_called AS "isCalled" FROM ${sequence}`)).rows;
    sequences.push({ column, lastValue: state!.lastValue, isCalled: state!.isCalled });
  }
  return { name: table.name, columns: table.columns, rows, sha256: hash.digest("hex"), sequences };
}

async function write(stream: Gzip, data: Buffer | string): Promise<void> {
  if (!stream.write(data)) await once(stream, "drain");
}

/** The final file: a gzip member holding the manifest line, then the body's members as they are. */
async function assemble(partialPath: string, manifest: BackupManifest, bodyPath: string): Promise<void> {
  const handle = await open(partialPath, "wx", 0o600);
  try {
    await handle.write(gzipSync(`${MANIFEST_PREFIX}${JSON.stringify(manifest)}\n`));
    for await (const chunk of createReadStream(bodyPath) as AsyncIterable<Buffer>) await handle.write(chunk);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
