import type { Logger } from "../../logger.js";

/** Anything that emits ioredis's connection events: a Redis connection, a BullMQ Worker or Queue. */
interface ConnectionEvents {
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "ready", listener: () => void): unknown;
}

export interface RedisOutageLog {
  /** Routes a connection's errors and recoveries through the outage log; `name` says whose it is. */
  watch(emitter: ConnectionEvents, name: string): void;
  /** Reports an error from elsewhere (a worker's 'error' event): a connection error counts toward the outage, anything else is logged as is. */
  error(error: Error, name: string): void;
}

/** Errors that mean "Redis cannot be reached", as ioredis and BullMQ word them. */
const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|Connection is closed|connect ETIMEDOUT|Stream isn't writeable|Reached the max retries|LOADING/i;

function isRedisConnectionError(error: Error): boolean {
  return CONNECTION_ERROR.test(error.message) || CONNECTION_ERROR.test((error as NodeJS.ErrnoException).code ?? "");
}

/**
 * One process's view of a Redis outage, shared by all its connections. While Redis is down,
 * every connection (the command connection, one per BullMQ worker) reconnects several times a
 * second and each attempt is an 'error': logged one by one that was hundreds of lines a second.
 * Here the first error of an outage is logged once, the rest are counted and summarised every
 * `summaryEveryMs`, and the return is logged once with how long it lasted.
 */
export function createRedisOutageLog(log: Logger, options: { summaryEveryMs?: number; now?: () => number } = {}): RedisOutageLog {
  const summaryEveryMs = options.summaryEveryMs ?? 60_000;
  const now = options.now ?? Date.now;
  let down: { since: number; lastSummary: number; suppressed: number; sources: Set<string> } | undefined;

  const connectionError = (error: Error, name: string) => {
    const at = now();
    if (!down) {
      down = { since: at, lastSummary: at, suppressed: 0, sources: new Set([name]) };
      log.error({ err: error.message, connection: name }, `redis unreachable; repeats are summarised every ${Math.round(summaryEveryMs / 1000)} s`);
      return;
    }
    down.suppressed += 1;
    down.sources.add(name);
    if (at - down.lastSummary >= summaryEveryMs) {
      log.warn({ err: error.message, errors: down.suppressed, connections: down.sources.size, downSeconds: Math.round((at - down.since) / 1000) }, "redis still unreachable");
      down.lastSummary = at;
      down.suppressed = 0;
    }
  };

  const ready = (name: string) => {
    // Only a connection that lost Redis in this outage proves it is back: one that was still
    // connecting when the outage began may report ready just before it fails too.
    if (!down?.sources.has(name)) return;
    log.info({ connection: name, downSeconds: Math.round((now() - down.since) / 1000), errors: down.suppressed }, "redis reachable again");
    down = undefined;
  };

  const error = (failure: Error, name: string) => {
    if (isRedisConnectionError(failure)) connectionError(failure, name);
    else log.error({ err: failure.message, connection: name }, "redis error");
  };

  return {
    watch(emitter, name) {
      emitter.on("error", (failure) => error(failure, name));
      emitter.on("ready", () => ready(name));
    },
    error,
  };
}
