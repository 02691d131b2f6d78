import { z } from "zod";

/**
 * The backup file, version 1: gzip (two members: the manifest line, then the body) of
 *
 *   -- warroom-backup {"format":"warroom-backup","version":1,...manifest as one JSON line}
 *   COPY public."accounts" ("id", "name", ...) FROM stdin;
 *   <the table's rows in PostgreSQL's COPY text format, one per line>
 *   \.
 *   COPY public."kill_switch_states" (...) FROM stdin;
 *   ...
 *
 * one section per table, in the manifest's order (parents before the tables that reference
 * them). COPY text format escapes backslashes, tabs, newlines and every other byte that could be
 * mistaken for structure, so a line `\.` can only be a section's end, and decimals, timestamps,
 * jsonb, arrays and any text round-trip byte for byte. Each section's rows (every byte of every
 * line, newline included) are counted and hashed (SHA-256) into the manifest.
 */
export const BACKUP_FORMAT = "warroom-backup";
export const BACKUP_VERSION = 1;
export const MANIFEST_PREFIX = `-- ${BACKUP_FORMAT} `;
export const SECTION_END = "\\.";

/** Tables TypeORM manages itself: their content is the schema's state, recorded in the manifest. */
export const SCHEMA_TABLES = new Set(["migrations", "typeorm_metadata"]);

const columnSchema = z.object({ name: z.string().min(1), type: z.string().min(1) });
const sequenceSchema = z.object({ column: z.string().min(1), lastValue: z.string().regex(/^-?\d+$/), isCalled: z.boolean() });
const tableSchema = z.object({
  name: z.string().min(1),
  columns: z.array(columnSchema).min(1),
  rows: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sequences: z.array(sequenceSchema),
});
const migrationSchema = z.object({ timestamp: z.number().int(), name: z.string().min(1) });

export const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  createdAt: z.string(),
  serverVersion: z.string(),
  database: z.string(),
  migrations: z.array(migrationSchema),
  tables: z.array(tableSchema),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type BackupTable = BackupManifest["tables"][number];

/** A file that is not a sound backup: refused before anything is written. */
export class BackupFileError extends Error {
  constructor(file: string, problem: string) {
    super(`backup file ${file} is not usable: ${problem}`);
    this.name = "BackupFileError";
  }
}

/** A restore that would be unsafe in this database: refused, nothing changed. */
export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RestoreRefused";
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualifiedName(table: string): string {
  return `public.${quoteIdentifier(table)}`;
}

/** The line that opens a table's section: the statement that loads it. */
export function sectionHeader(table: Pick<BackupTable, "name" | "columns">): string {
  return `COPY ${qualifiedName(table.name)} (${table.columns.map((c) => quoteIdentifier(c.name)).join(", ")}) FROM stdin;`;
}

/** Rows in a chunk of COPY text output: every row ends with a newline (newlines in values are escaped). */
export function countNewlines(chunk: Buffer): number {
  let count = 0;
  for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) count += 1;
  return count;
}

/**
 * The lines of a byte stream, each with its newline. A last line without a newline is yielded
 * with `complete: false`, so that a file cut mid-line is told apart from a whole one.
 */
export async function* readLines(source: AsyncIterable<Buffer>): AsyncGenerator<{ line: Buffer; complete: boolean }> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    const buffer = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    let start = 0;
    for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, start)) {
      yield { line: buffer.subarray(start, at + 1), complete: true };
      start = at + 1;
    }
    pending = buffer.subarray(start);
  }
  if (pending.length > 0) yield { line: pending, complete: false };
}
