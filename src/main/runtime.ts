import { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import { QueryCache } from "../adapters/cache/query-cache.js";
import { createDataSource, migrateUp } from "../adapters/db/data-source.js";
import { AccountRepository } from "../adapters/db/repositories/account-repository.js";
import { ensureShadowAccount } from "../app/accounts/ensure-shadow-account.js";
import { ConfigError, loadConfig, type Config } from "../config/load.js";
import { provideInfrastructure, type Infrastructure } from "../local/infrastructure.js";
import { createLogger, type Logger } from "../logger.js";

export interface Runtime {
  config: Config;
  log: Logger;
  infrastructure: Infrastructure;
  dataSource: DataSource;
  /** Shared connection for commands (BullMQ workers open their own); absent when booted without Redis. */
  redis: Redis | undefined;
  cache: QueryCache;
  /** Closes connections, then stops local services, in that order. */
  close(): Promise<void>;
}

/**
 * Everything a composition root needs: configuration parsed once, PostgreSQL and Redis (local
 * ones started when no URL is configured), migrations applied.
 */
export async function bootRuntime(name: string, options: { withRedis?: boolean } = {}): Promise<Runtime> {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel, name);
  const infrastructure = await provideInfrastructure(config, log, { withRedis: options.withRedis ?? true });
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const dataSource = createDataSource({ url: infrastructure.databaseUrl, poolSize: config.database.poolSize, applicationName: name });
    await dataSource.initialize();
    closers.push(() => dataSource.destroy());
    const applied = await migrateUp(dataSource);
    if (applied.length > 0) log.info({ applied }, "migrations applied");
    const seeded = await ensureShadowAccount({ accounts: new AccountRepository(dataSource) }, { startingCapital: config.broker.shadowStartingCapital });
    if (seeded.created) log.info({ accountId: seeded.accountId, account: seeded.name, startingCapital: seeded.startingCapital.toFixed(2) }, "new installation: created the shadow account, paper trading armed");

    let redis: Redis | undefined;
    // withRedis false: a command that only reads PostgreSQL never depends on Redis, configured or not.
    if (options.withRedis !== false && infrastructure.redisUrl) {
      const connection = new Redis(infrastructure.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
      connection.on("error", (error) => log.error({ err: error.message }, "redis connection error"));
      await connection.connect();
      await connection.ping();
      closers.push(() => connection.quit());
      redis = connection;
    }
    const cache = new QueryCache({ ttlMs: config.cache.ttlSeconds * 1000, maxEntries: config.cache.maxEntries });
    const close = async () => {
      for (const closer of closers.reverse()) await closer().catch((error) => log.error({ err: String(error) }, "close failed"));
      await infrastructure.stop();
    };
    return { config, log, infrastructure, dataSource, redis, cache, close };
  } catch (error) {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
    await infrastructure.stop();
    throw error;
  }
}

function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
