import type { Config } from "../config/load.js";
import type { Logger } from "../logger.js";
import { prepareDataDir } from "./data-dir.js";
import { ensureDatabase, startEmbeddedPostgres } from "./embedded-postgres.js";
import { startRedisServer } from "./redis-server.js";

export interface Infrastructure {
  databaseUrl: string;
  /** Undefined when the caller asked for no Redis (CLIs that only touch the database). */
  redisUrl: string | undefined;
  /** Stops whatever this process started (embedded PostgreSQL, redis-server); external services are left alone. */
  stop(): Promise<void>;
}

const LOCAL_DATABASE = "warroom";

/**
 * Zero-configuration mode: without DATABASE_URL start embedded PostgreSQL, without REDIS_URL
 * spawn redis-server, both with their files under DATA_DIR.
 */
export async function provideInfrastructure(config: Config, log: Logger, options: { withRedis: boolean }): Promise<Infrastructure> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    // At the same time: neither needs the other, and each must stop whatever state the other is
    // in (a dead or hung redis-server must not keep PostgreSQL running). Each stop is bounded.
    await Promise.all(stops.map((stop) => stop().catch((error: unknown) => log.error({ err: String(error) }, "stopping a local service failed"))));
  };
  try {
    const needsDataDir = !config.database.url || (!config.redis.url && options.withRedis);
    if (needsDataDir) await prepareDataDir(config.dataDir);
    let databaseUrl = config.database.url;
    if (!databaseUrl) {
      const postgres = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.database.localPort, log });
      stops.push(() => postgres.stop());
      await ensureDatabase(postgres.adminUrl, LOCAL_DATABASE);
      databaseUrl = postgres.urlFor(LOCAL_DATABASE);
    }
    let redisUrl = config.redis.url;
    if (!redisUrl && options.withRedis) {
      const redis = await startRedisServer({
        dataDir: config.dataDir,
        port: config.redis.localPort,
        log,
        persistent: true,
        autoInstall: config.redis.autoInstall,
      });
      stops.push(() => redis.stop());
      redisUrl = redis.url;
    }
    return { databaseUrl, redisUrl, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
