import type { FastifyInstance } from "fastify";
import { buildHttpServer, type QueueSource } from "../adapters/http/server.js";
import type { Runtime } from "./runtime.js";
import type { DeskServices } from "./services.js";

export interface HttpHandle {
  /** Where the API listens, e.g. http://127.0.0.1:8080. */
  address: string;
  /** Stops accepting connections and waits for requests in flight. */
  close(): Promise<void>;
}

/**
 * Builds the REST API on the runtime's connections and starts listening on HTTP_HOST:HTTP_PORT.
 * `queues` (a getter: the job runner may start later) adds the queue metrics and Bull Board.
 */
export async function startHttpServer(runtime: Runtime, services: DeskServices, extend?: (app: FastifyInstance) => void, queues?: QueueSource): Promise<HttpHandle> {
  const { config, log } = runtime;
  const app = buildHttpServer({
    killSwitch: services.killSwitch,
    apiToken: config.http.apiToken,
    checks: {
      database: async () => {
        await runtime.dataSource.query("SELECT 1");
      },
      redis: async () => {
        if (!runtime.redis) throw new Error("no Redis connection");
        await runtime.redis.ping();
      },
    },
    metrics: services.metrics,
    ...(queues ? { queues } : {}),
    log,
  });
  extend?.(app);
  try {
    const address = await app.listen({ host: config.http.host, port: config.http.port });
    if (!config.http.apiToken) log.warn("API_TOKEN is not set: the kill-switch API answers 503 (health, readiness and metrics still work)");
    return { address, close: () => app.close() };
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}
