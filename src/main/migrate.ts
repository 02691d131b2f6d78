import { parseArgs } from "node:util";
import { createDataSource, migrateDown, migrateUp } from "../adapters/db/data-source.js";
import { loadConfig } from "../config/load.js";
import { provideInfrastructure } from "../local/infrastructure.js";
import { createLogger } from "../logger.js";
import { failStartup } from "./lifecycle.js";

/** `npm run migrate` applies pending migrations; `npm run migrate -- --down [--steps N]` reverts. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { down: { type: "boolean", default: false }, steps: { type: "string", default: "1" } } });
  const steps = Number(values.steps);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`--steps expects a whole number of migrations to revert, got "${values.steps}"`);
  const config = loadConfig();
  const log = createLogger(config.logLevel, "migrate");
  const infrastructure = await provideInfrastructure(config, log, { withRedis: false });
  const dataSource = createDataSource({ url: infrastructure.databaseUrl, poolSize: 2, applicationName: "migrate" });
  try {
    await dataSource.initialize();
    if (values.down) {
      const reverted = await migrateDown(dataSource, steps);
      process.stdout.write(`reverted ${reverted} migration(s)\n`);
    } else {
      const applied = await migrateUp(dataSource);
      process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "the schema is up to date\n");
    }
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await infrastructure.stop();
  }
}

main().catch(failStartup);
