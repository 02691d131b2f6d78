import { exitOnSignals, failStartup } from "./lifecycle.js";
import { bootRuntime } from "./runtime.js";

/**
 * `npm start`: the whole desk in one process. With no configuration it starts embedded
 * PostgreSQL and a private redis-server under ./data. Later features (bot, workers, REST API)
 * attach here.
 */
async function main(): Promise<void> {
  const runtime = await bootRuntime("war-room");
  exitOnSignals(runtime.log, () => runtime.close());
  runtime.log.info(
    { localDatabase: !runtime.config.database.url, localRedis: !runtime.config.redis.url, telegram: runtime.config.telegram.token ? "bot" : "local" },
    "War Room is ready",
  );
}

main().catch(failStartup);
