import { parseArgs } from "node:util";
import { migrations } from "../../migrations/index.js";
import { createDataSource } from "../adapters/db/data-source.js";
import { BackupFileError, RestoreRefused } from "../adapters/db/backup/format.js";
import { readBackup } from "../adapters/db/backup/read-backup.js";
import { migrationsAtBackupLevel, restoreBackup } from "../adapters/db/backup/restore-backup.js";
import { provideInfrastructure } from "../local/infrastructure.js";
import { createLogger } from "../logger.js";
import { EX_CONFIG, loadCliConfig, runCli, usageError, writeStdout } from "./runtime.js";

const USAGE = `usage: npm run restore -- FILE [--force]

Replaces the desk's database with the backup in FILE (made by \`npm run backup\`). Stop the desk
first. The file is checked whole before anything is touched; the restore is one transaction (all
or nothing); kill switches come back exactly as they were. Refused: a damaged file, a backup from a
newer War Room, a database in use, and, without --force, a database that already holds accounts,
orders or fills.`;

/** `npm run restore -- FILE`: a backup back into the configured database. */
async function main(): Promise<number> {
  let file: string;
  let force: boolean;
  try {
    const { values, positionals } = parseArgs({
      allowPositionals: true,
      options: { force: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
    });
    if (values.help) {
      await writeStdout(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new Error(positionals.length === 0 ? "which backup file? name one" : "one backup file at a time");
    file = positionals[0]!;
    force = values.force;
  } catch (error) {
    return usageError(error, USAGE);
  }
  process.env.LOG_LEVEL = "error";
  const config = loadCliConfig();
  if (!config) return EX_CONFIG;
  // The file first, before any database is started or touched.
  const manifest = await readBackup(file);
  migrationsAtBackupLevel(manifest, migrations.map((M) => new M()));

  const log = createLogger("error", "restore");
  const infrastructure = await provideInfrastructure(config, log, { withRedis: false });
  // A name of its own: the "database in use" check tells this process apart from the desk's.
  const dataSource = createDataSource({ url: infrastructure.databaseUrl, poolSize: 2, applicationName: `restore-${process.pid}` });
  try {
    await dataSource.initialize();
    const result = await restoreBackup(dataSource, file, { force, verified: manifest });
    const level = manifest.migrations.at(-1)?.name ?? "none";
    const width = Math.max(0, ...result.killSwitches.map((k) => k.account.length));
    await writeStdout(
      `restored ${file}\n` +
        `  taken ${manifest.createdAt} from database ${manifest.database} (PostgreSQL ${manifest.serverVersion})\n` +
        `  ${manifest.tables.length} tables, ${result.rows} rows` +
        (result.replacedTables > 0 ? `, replacing the ${result.replacedTables} tables that were there` : "") +
        "\n" +
        `  schema at the backup's ${level}` +
        (result.appliedAfter.length > 0 ? `, then migrated: ${result.appliedAfter.join(", ")}` : "") +
        "\n" +
        `  kill switches, as they were:\n` +
        (result.killSwitches.length === 0 ? "    (no accounts)\n" : result.killSwitches.map((k) => `    ${k.account.padEnd(width)}  ${k.state}  ${k.reason}\n`).join("")),
    );
    return 0;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await infrastructure.stop();
  }
}

runCli(main, (error) => {
  const refused = error instanceof BackupFileError || error instanceof RestoreRefused;
  return `restore ${refused ? "refused" : "failed"}, nothing was changed: ${error.message}`;
});
