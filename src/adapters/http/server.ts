import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from "fastify";
import type { KillSwitchDeps } from "../../app/kill-switch/deps.js";
import type { FeedStore } from "../../app/ports/feed-store.js";
import type { Logger } from "../../logger.js";
import { formatSchemaErrors, handleError, sendError } from "./errors.js";
import { registerHealthRoutes, type ReadinessChecks } from "./health.js";
import { registerKillSwitchRoutes } from "./kill-switch-routes.js";
import { registerMetricsRoute, type HttpMetrics } from "./metrics.js";
import { registerQueueBoard } from "./queue-board.js";
import type { QueueSource } from "./queue-metrics.js";

export type { HttpMetrics } from "./metrics.js";
export type { ReadinessChecks } from "./health.js";
export type { QueueSource } from "./queue-metrics.js";

export interface HttpServerOptions {
  killSwitch: KillSwitchDeps;
  /** Bearer token for /api/kill-switch/*; undefined turns that API off (503), never open. */
  apiToken: string | undefined;
  /** Bearer token for /metrics; API_TOKEN's when undefined, and /metrics answers 503 when neither is set. */
  metricsToken?: string | undefined;
  checks: ReadinessChecks;
  metrics: HttpMetrics;
  /**
   * The job runner's queues, for the queue gauges on /metrics and Bull Board at /admin/queues
   * (behind the same API_TOKEN); without it neither is served.
   */
  queues?: QueueSource;
  /** The market-data feeds' reports, for /metrics; absent when the desk follows no live feed. */
  feeds?: FeedStore;
  /** Request log; none when omitted. Bodies and headers are never logged. */
  log?: Logger;
}

export const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * Request log lines carry the method, the path (without the query string) and the caller's
 * address: never headers (the bearer token) nor bodies (the override code).
 */
const serializers = {
  req: (request: FastifyRequest) => ({ method: request.method, path: request.url.split("?")[0], remoteAddress: request.ip }),
};

/** The REST API: health, readiness, Prometheus metrics, the kill-switch API and the queue board. Not listening yet: call listen() or inject(). */
export function buildHttpServer(options: HttpServerOptions): FastifyInstance {
  const loggerInstance: FastifyBaseLogger | undefined = options.log?.child(
    { component: "http" },
    { serializers, redact: { paths: ["req.headers.authorization", "headers.authorization"], censor: "[redacted]" } },
  );
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    ...(loggerInstance ? { loggerInstance } : { logger: false }),
    // Fastify's defaults would silently strip unknown properties and coerce "true" to true: refuse both instead.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    schemaErrorFormatter: formatSchemaErrors,
  });

  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, "not_found", `no route ${request.method} ${request.url.split("?")[0]}`));

  registerHealthRoutes(app, options.checks);
  registerMetricsRoute(app, options.metrics, options.killSwitch.store, options.queues, options.metricsToken ?? options.apiToken, options.feeds);
  registerKillSwitchRoutes(app, { deps: options.killSwitch, apiToken: options.apiToken });
  if (options.queues) registerQueueBoard(app, { queues: options.queues, apiToken: options.apiToken });
  return app;
}
