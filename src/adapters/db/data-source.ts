import { DataSource } from "typeorm";
import { migrations } from "../../../migrations/index.js";
import { entities } from "./entities/index.js";
import { pgDriverFor } from "./pool.js";

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  /** Application name shown in pg_stat_activity, to tell the bot, the worker and tests apart. */
  applicationName?: string;
  /**
   * Connections the pool keeps open however long they sit idle (0 by default). A process that
   * must answer a burst (the market feed's kill-switch checks) keeps them, so a burst after a
   * quiet spell never waits 100-150 ms for a new connection and a cold session's planning.
   */
  keepConnections?: number;
}

/**
 * The desk's one way to reach PostgreSQL. The schema comes from migrations only:
 * `synchronize` stays off, and migrations run explicitly (at start and in `npm run migrate`).
 */
export function createDataSource(options: DataSourceOptions): DataSource {
  const poolSize = options.poolSize ?? 10;
  const dataSource: DataSource = new DataSource({
    type: "postgres",
    // pg's own module with a Pool class that records the pool it creates, so pgPool() can hand
    // the hot paths the same pool without reading TypeORM's private fields (pool.ts).
    driver: pgDriverFor(() => dataSource),
    url: options.url,
    entities,
    migrations,
    migrationsTableName: "migrations",
    migrationsTransactionMode: "each",
    synchronize: false,
    migrationsRun: false,
    // gen_random_uuid() is built into PostgreSQL 13+: no extension to install. The migrations'
    // uuid keys default to it, and "pgcrypto" makes TypeORM's own DDL (its schema diff) say so too.
    installExtensions: false,
    uuidExtension: "pgcrypto",
    poolSize,
    applicationName: options.applicationName ?? "war-room",
    // The hot paths use named (prepared) statements for index look-ups whose best plan does not
    // depend on the values. Left to itself, PostgreSQL re-plans them on every call (a custom
    // plan looks cheaper on paper), which cost more than executing them (bench/db.ts). Only
    // prepared statements are affected; one-off queries are still planned with their values.
    extra: { options: "-c plan_cache_mode=force_generic_plan", min: Math.min(options.keepConnections ?? 0, poolSize) },
    // Failed queries surface as exceptions; TypeORM's own logger would print their parameters.
    logging: false,
  });
  return dataSource;
}

/** Applies pending migrations; returns the names of those it ran. */
export async function migrateUp(dataSource: DataSource): Promise<string[]> {
  const ran = await dataSource.runMigrations({ transaction: "each" });
  return ran.map((m) => m.name);
}

/** Reverts the most recent `steps` migrations; returns how many it reverted. */
export async function migrateDown(dataSource: DataSource, steps = 1): Promise<number> {
  let reverted = 0;
  for (let i = 0; i < steps; i += 1) {
    const before = await dataSource.query(`SELECT count(*)::int AS n FROM migrations`).catch(() => [{ n: 0 }]);
    if ((before[0]?.n ?? 0) === 0) break;
    await dataSource.undoLastMigration({ transaction: "each" });
    reverted += 1;
  }
  return reverted;
}
