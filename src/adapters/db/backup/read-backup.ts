import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { BackupFileError, MANIFEST_PREFIX, SECTION_END, manifestSchema, readLines, sectionHeader, type BackupManifest, type BackupTable } from "./format.js";

/** Receives a verified file's sections as they are read (the restore's COPY streams). */
export interface SectionSink {
  begin(table: BackupTable): Promise<void>;
  /** One row in COPY text format, newline included. */
  row(line: Buffer): Promise<void>;
  end(table: BackupTable): Promise<void>;
}

const SECTION_END_LINE = Buffer.from(`${SECTION_END}\n`);

/**
 * Reads a backup file whole and checks it: the gzip stream, the manifest, each section's header,
 * row count and SHA-256 against the manifest, and nothing after the last section. Throws a
 * BackupFileError naming the first problem. With a sink, rows are handed over as they are read;
 * a sink's caller must still treat a throw as "the file is bad" and undo what it received.
 */
export async function readBackup(file: string, sink?: SectionSink): Promise<BackupManifest> {
  const gunzip = createGunzip();
  const input = createReadStream(file);
  input.on("error", (error) => gunzip.destroy(error));
  const lines = readLines(input.pipe(gunzip))[Symbol.asyncIterator]();
  const next = async (): Promise<Buffer | undefined> => {
    let result: IteratorResult<{ line: Buffer; complete: boolean }>;
    try {
      result = await lines.next();
    } catch (error) {
      throw new BackupFileError(file, describeReadError(error as NodeJS.ErrnoException));
    }
    if (result.done) return undefined;
    if (!result.value.complete) throw new BackupFileError(file, "it ends in the middle of a line (the file was cut short)");
    return result.value.line;
  };
  try {
    const manifest = parseManifest(file, await next());
    for (const [index, table] of manifest.tables.entries()) {
      const header = await next();
      if (header === undefined) throw new BackupFileError(file, `it ends before table ${table.name} (${index + 1} of ${manifest.tables.length}): the file was cut short`);
      if (header.toString("utf8") !== `${sectionHeader(table)}\n`) throw new BackupFileError(file, `the section for table ${table.name} does not start where the manifest says`);
      await sink?.begin(table);
      const hash = createHash("sha256");
      let rows = 0;
      for (;;) {
        const line = await next();
        if (line === undefined) throw new BackupFileError(file, `it ends inside table ${table.name} after ${rows} of ${table.rows} rows: the file was cut short`);
        if (line.equals(SECTION_END_LINE)) break;
        hash.update(line);
        rows += 1;
        await sink?.row(line);
      }
      if (rows !== table.rows) throw new BackupFileError(file, `table ${table.name} holds ${rows} rows where the manifest says ${table.rows}`);
      if (hash.digest("hex") !== table.sha256) throw new BackupFileError(file, `the content of table ${table.name} does not match its checksum (the file is damaged)`);
      await sink?.end(table);
    }
    if ((await next()) !== undefined) throw new BackupFileError(file, "there is data after the last table the manifest lists");
    return manifest;
  } finally {
    await lines.return?.(undefined);
    input.destroy();
  }
}

function parseManifest(file: string, first: Buffer | undefined): BackupManifest {
  const text = first?.toString("utf8") ?? "";
  if (!text.startsWith(MANIFEST_PREFIX)) throw new BackupFileError(file, "it is not a War Room backup (no manifest line)");
  let json: unknown;
  try {
    json = JSON.parse(text.slice(MANIFEST_PREFIX.length));
  } catch {
    throw new BackupFileError(file, "its manifest line is not valid JSON");
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const version = (json as { version?: unknown } | null)?.version;
    if (typeof version === "number" && version !== 1) throw new BackupFileError(file, `it is format version ${version}; this War Room reads version 1`);
    throw new BackupFileError(file, `its manifest is malformed (${parsed.error.issues.map((i) => `${i.path.join(".") || "manifest"}: ${i.message}`).join("; ")})`);
  }
  return parsed.data;
}

function describeReadError(error: NodeJS.ErrnoException): string {
  if (error.code === "ENOENT") return "no such file";
  if (error.code === "EISDIR") return "it is a folder";
  if (error.code === "EACCES") return "permission denied";
  if (error.code === "Z_BUF_ERROR" || /unexpected end of file/i.test(error.message)) return "the compressed data ends early (the file was cut short)";
  if (error.code?.startsWith("Z_")) return `it is not gzip data or the compressed data is damaged (${error.message})`;
  return error.message;
}
