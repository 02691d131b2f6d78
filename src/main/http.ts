import type { FastifyInstance } from "fastify";
import { buildHttpServer, type QueueSource } from "../adapters/http/server.js";
import type { Runtime } from "./runtime.js";
import type { DeskServices } from "./desk.js";
import type { Watchdog } from "./watchdog.js";
import { withFeeds } from "./market-data.js";

export interface HttpHandle {
  /** Where the API listens, e.g. http://127.0.0.1:8080. */
  address: string;
  /** Stops accepting connections and waits for requests in flight. */
  close(): Promise<void>;
}

export interface HttpExtras {
  /** Adds routes (the Telegram webhook). */
  extend?: (app: FastifyInstance) => void;
  /** A getter: the job runner may start later. Adds the queue metrics and Bull Board. */
  queues?: QueueSource;
  /** The process's watchdog: /readyz reports its newest look. */
  watchdog?: Watchdog;
}

/** Builds the REST API on the runtime's connections and starts listening on HTTP_HOST:HTTP_PORT. */
export async function startHttpServer(runtime: Runtime, services: DeskServices, extras: HttpExtras = {}): Promise<HttpHandle> {
  const { config, log } = runtime;
  const { watchdog } = extras;
  const app = buildHttpServer({
    killSwitch: services.killSwitch,
    apiToken: config.http.apiToken,
    metricsToken: config.http.metricsToken,
    checks: {
      database: async () => {
        await runtime.dataSource.query("SELECT 1");
      },
      redis: async () => {
        if (!runtime.redis) throw new Error("no Redis connection");
        await runtime.redis.ping();
      },
      ...(watchdog ? { desk: () => watchdog.latest() } : {}),
    },
    metrics: services.metrics,
    ...(extras.queues ? { queues: extras.queues } : {}),
    ...withFeeds(runtime),
    log,
  });
  extras.extend?.(app);
  try {
    const address = await app.listen({ host: config.http.host, port: config.http.port });
    if (!config.http.apiToken) log.warn("API_TOKEN is not set: the kill-switch API answers 503 (health and readiness still work)");
    if (!config.http.apiToken && !config.http.metricsToken) log.warn("neither METRICS_TOKEN nor API_TOKEN is set: /metrics answers 503");
    return { address, close: () => app.close() };
  } catch (error) {
    await app.close().catch(() => undefined);
    throw listenError(error, config.http.host, config.http.port);
  }
}

/** A listen failure in words that name the setting to change. */
function listenError(error: unknown, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") return new Error(`HTTP_PORT ${port} is already in use on ${host}: stop what listens there or set HTTP_PORT to a free port`, { cause: error });
  if (code === "EACCES") return new Error(`HTTP_PORT ${port} needs privileges on ${host}: use a port above 1023`, { cause: error });
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") return new Error(`HTTP_HOST ${host} is not an address of this machine`, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}
