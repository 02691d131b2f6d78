import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeBackup } from "../adapters/db/backup/write-backup.js";
import { provideInfrastructure } from "../local/infrastructure.js";
import { createLogger } from "../logger.js";
import { EX_CONFIG, loadCliConfig, runCli, usageError, writeStdout } from "./runtime.js";

const USAGE = `usage: npm run backup [-- --out FILE]

Writes a consistent backup of the desk's PostgreSQL (every table, one snapshot) to FILE, by
default DATA_DIR/backups/warroom-<UTC time>.sql.gz, readable by its owner only. Needs no Redis
and runs beside \`npm start\` on the same data. Restore with \`npm run restore -- FILE\`.`;

/** 20261202T055900Z: sorts by time, and is safe in a file name everywhere. */
function fileStamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/** `npm run backup`: the desk's database to one file. */
async function main(): Promise<number> {
  let out: string | undefined;
  try {
    const { values } = parseArgs({ options: { out: { type: "string" }, help: { type: "boolean", short: "h", default: false } } });
    if (values.help) {
      await writeStdout(`${USAGE}\n`);
      return 0;
    }
    out = values.out;
    if (out !== undefined && out.trim() === "") throw new Error("--out needs a file name");
  } catch (error) {
    return usageError(error, USAGE);
  }
  // Log lines would mix with the report on stdout: errors only.
  process.env.LOG_LEVEL = "error";
  const config = loadCliConfig();
  if (!config) return EX_CONFIG;
  const log = createLogger("error", "backup");
  const infrastructure = await provideInfrastructure(config, log, { withRedis: false });
  try {
    const target = out ?? join(config.dataDir, "backups", `warroom-${fileStamp(new Date())}.sql.gz`);
    const result = await writeBackup({ databaseUrl: infrastructure.databaseUrl, out: target });
    const latest = result.manifest.migrations.at(-1)?.name ?? "none";
    const width = Math.max(...result.manifest.tables.map((t) => t.name.length));
    await writeStdout(
      `backup written: ${result.path} (mode 0600)\n` +
        `  ${result.tables} tables, ${result.rows} rows, ${result.bytes} bytes, ${result.seconds.toFixed(1)} s\n` +
        `  schema: ${result.manifest.migrations.length} migrations, latest ${latest}\n` +
        result.manifest.tables.map((t) => `    ${t.name.padEnd(width)}  ${t.rows}\n`).join(""),
    );
    return 0;
  } finally {
    await infrastructure.stop();
  }
}

runCli(main, (error) => `backup failed: ${error.message}`);
