import { EX_CONFIG, loadCliConfig } from "./cli-config.js";
import { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import { KEPT_CONNECTIONS } from "../adapters/db/pool.js";
import { QueryCache } from "../adapters/cache/query-cache.js";
import { createRedisOutageLog, type RedisOutageLog } from "../adapters/redis/outage-log.js";
import { createDataSource, migrateUp } from "../adapters/db/data-source.js";
import { AccountRepository } from "../adapters/db/repositories/account-repository.js";
import { ensureShadowAccount } from "../app/accounts/ensure-shadow-account.js";
import type { Config } from "../config/load.js";
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
  /** The process's one Redis outage log: every connection reports through it, so an outage is a few lines, not hundreds a second. */
  redisOutage: RedisOutageLog;
  /** Closes connections, then stops local services, in that order. */
  close(): Promise<void>;
}

/**
 * Everything a composition root needs: configuration parsed once, PostgreSQL and Redis (local
 * ones started when no URL is configured), migrations applied.
 */
export async function bootRuntime(name: string, options: { withRedis?: boolean; logTo?: "stdout" | "stderr" } = {}): Promise<Runtime> {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel, name, options.logTo);
  const redisOutage = createRedisOutageLog(log);
  const infrastructure = await provideInfrastructure(config, log, { withRedis: options.withRedis ?? true });
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const dataSource = createDataSource({ url: infrastructure.databaseUrl, poolSize: config.database.poolSize, applicationName: name, keepConnections: KEPT_CONNECTIONS });
    await dataSource.initialize().catch((error: unknown) => {
      const setting = config.database.url ? "check DATABASE_URL, or unset it to let the desk start its own PostgreSQL" : "the embedded PostgreSQL did not accept connections";
      throw new Error(`PostgreSQL at ${redacted(infrastructure.databaseUrl)} is unreachable (${errorText(error)}): ${setting}`, { cause: error });
    });
    closers.push(() => dataSource.destroy());
    const applied = await migrateUp(dataSource);
    if (applied.length > 0) log.info({ applied }, "migrations applied");
    const seeded = await ensureShadowAccount({ accounts: new AccountRepository(dataSource) }, { startingCapital: config.broker.shadowStartingCapital });
    if (seeded.created) log.info({ accountId: seeded.accountId, account: seeded.name, startingCapital: seeded.startingCapital.toFixed(2) }, "new installation: created the shadow account, paper trading armed");

    let redis: Redis | undefined;
    // withRedis false: a command that only reads PostgreSQL never depends on Redis, configured or not.
    if (options.withRedis !== false && infrastructure.redisUrl) {
      const connection = new Redis(infrastructure.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
      redisOutage.watch(connection, "commands");
      await connection.connect().catch((error: unknown) => {
        throw new Error(`Redis at ${redacted(infrastructure.redisUrl!)} is unreachable (${errorText(error)}): check REDIS_URL, or unset it to let the desk start its own redis-server`, { cause: error });
      });
      await connection.ping();
      closers.push(() => connection.quit());
      redis = connection;
    }
    const cache = new QueryCache({ ttlMs: config.cache.ttlSeconds * 1000, maxEntries: config.cache.maxEntries });
    const close = async () => {
      for (const closer of closers.reverse()) await closer().catch((error) => log.error({ err: String(error) }, "close failed"));
      await infrastructure.stop();
    };
    return { config, log, infrastructure, dataSource, redis, redisOutage, cache, close };
  } catch (error) {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
    await infrastructure.stop();
    throw error;
  }
}

export { EX_CONFIG, loadCliConfig };

function loadConfigOrExit(): Config {
  const config = loadCliConfig();
  if (!config) process.exit(EX_CONFIG);
  return config;
}

/** A connection URL with its password masked, for messages. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(an unparsable URL)";
  }
}

function errorText(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { errors?: NodeJS.ErrnoException[] };
  // Node reports "connect ECONNREFUSED" for each address of localhost inside an AggregateError with no message of its own.
  const inner = e.errors?.[0];
  return (e.message || inner?.message || e.code || String(error)).trim();
}

/** For CLIs: `text` on stdout, resolved once it is flushed (so that exiting right after loses none of it). */
export function writeStdout(text: string): Promise<void> {
  return new Promise((done) => process.stdout.write(text, () => done()));
}

/** For CLIs: a bad command line's complaint, then the usage, on stderr; the exit code for it (2). */
export function usageError(error: unknown, usage: string): number {
  process.stderr.write(`${(error as Error).message}\n${usage}\n`);
  return 2;
}

/** For CLIs: runs `main` and exits with its code; a throw is printed as `failure(error)` and exits 1. */
export function runCli(main: () => Promise<number>, failure: (error: Error) => string): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${failure(error as Error)}\n`);
      process.exit(1);
    },
  );
}
