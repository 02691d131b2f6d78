import type { Config } from "../config/load.js";
import type { Logger } from "../logger.js";
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
    // Reverse order of start; each stop is attempted even if an earlier one failed.
    for (const stop of stops.reverse()) await stop().catch((error) => log.error({ err: error }, "stopping a local service failed"));
  };
  try {
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
