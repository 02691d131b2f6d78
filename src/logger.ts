import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Structured logs (JSON lines). Secrets are never passed to the logger on purpose; the redact
 * list is a second line of defence for objects that might carry them by accident.
 */
export function createLogger(level: string, name = "war-room", to: "stdout" | "stderr" = "stdout"): Logger {
  // A command whose stdout is its result (the backtest's report or JSON) logs to stderr.
  const destination = to === "stderr" ? pino.destination(2) : undefined;
  return pino({
    name,
    level,
    redact: {
      paths: [
        "password",
        "*.password",
        "token",
        "*.token",
        "code",
        "*.code",
        "authorization",
        "*.authorization",
        "headers.authorization",
        "apiKey",
        "*.apiKey",
        "appSecret",
        "*.appSecret",
        "url",
        "*.url",
      ],
      censor: "[redacted]",
    },
  }, destination);
}
