import type { Logger } from "../logger.js";

/**
 * Runs `shutdown` once on SIGINT or SIGTERM (or a fatal error), then exits. Signals often come
 * in pairs (a terminal's Ctrl-C reaches the whole process group while npm forwards its own copy;
 * a service manager may signal the group and the main pid): a second request while stopping is
 * noted once and ignored, so the shutdown in hand finishes and the exit code stays honest. The
 * 30 s deadline still guarantees an exit.
 *
 * Returns the same stop for the process's own reasons (the terminal chat closed): one shutdown,
 * whoever asks first; asking again while stopping is silent.
 */
export function exitOnSignals(log: Logger, shutdown: () => Promise<void>): (reason: string) => void {
  let stopping = false;
  let toldAlreadyStopping = false;
  const stop = async (reason: string, code: number, quietIfStopping = false) => {
    if (stopping) {
      if (!toldAlreadyStopping && !quietIfStopping) log.warn({ reason }, "already stopping: ignoring this request");
      toldAlreadyStopping ||= !quietIfStopping;
      return;
    }
    stopping = true;
    log.info({ reason }, "shutting down");
    // Never hang on the way out: a stuck close (a service gone away underneath) ends in an exit.
    const deadline = setTimeout(() => {
      log.error("shutdown did not finish within 30 s: exiting");
      process.exit(1);
    }, 30_000);
    deadline.unref();
    try {
      await shutdown();
      log.info("stopped cleanly");
    } catch (error) {
      log.error({ err: String(error) }, "shutdown failed");
      code = 1;
    }
    process.exit(code);
  };
  process.on("SIGINT", () => void stop("SIGINT", 0));
  process.on("SIGTERM", () => void stop("SIGTERM", 0));
  process.on("uncaughtException", (error) => {
    log.fatal({ err: error.stack ?? String(error) }, "uncaught exception");
    void stop("uncaughtException", 1);
  });
  process.on("unhandledRejection", (error) => {
    log.fatal({ err: error instanceof Error ? (error.stack ?? error.message) : String(error) }, "unhandled rejection");
    void stop("unhandledRejection", 1);
  });
  return (reason) => void stop(reason, 0, true);
}

/** Prints a start-up failure plainly (no stack for expected operator errors) and exits non-zero. */
export function failStartup(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`War Room could not start: ${message}\n`);
  process.exit(1);
}
