import type { JobRunner } from "../adapters/queue/job-runner.js";
import { startHttpServer, type HttpHandle } from "./http.js";
import { startJobs } from "./jobs.js";
import { exitOnSignals, failStartup } from "./lifecycle.js";
import { bootRuntime } from "./runtime.js";
import { buildDeskServices } from "./services.js";

/**
 * `npm start`: the whole desk in one process. With no configuration it starts embedded
 * PostgreSQL and a private redis-server under ./data, then the REST API and the job workers.
 * The Telegram bot attaches here with its feature.
 */
async function main(): Promise<void> {
  const runtime = await bootRuntime("war-room");
  let http: HttpHandle | undefined;
  let jobs: JobRunner | undefined;
  // The API stops first (no new requests), then the workers finish the job in hand, then the
  // connections close, then the local services stop.
  exitOnSignals(runtime.log, async () => {
    await http?.close().catch((error: unknown) => runtime.log.error({ err: String(error) }, "closing the HTTP server failed"));
    await jobs?.close().catch((error: unknown) => runtime.log.error({ err: String(error) }, "closing the job workers failed"));
    await runtime.close();
  });
  try {
    const services = buildDeskServices(runtime);
    http = await startHttpServer(runtime, services);
    jobs = await startJobs(runtime, services);
  } catch (error) {
    await http?.close().catch(() => undefined);
    await runtime.close();
    throw error;
  }
  runtime.log.info(
    {
      localDatabase: !runtime.config.database.url,
      localRedis: !runtime.config.redis.url,
      telegram: runtime.config.telegram.token ? "bot" : "local",
      http: http.address,
      jobs: [...jobs.queues.keys()],
    },
    "War Room is ready",
  );
}

main().catch(failStartup);
