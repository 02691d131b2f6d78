import type { Alert, Notifier } from "../../app/ports/notifier.js";
import type { Logger } from "../../logger.js";

/** Writes alerts to the structured log: the fallback when no chat transport is configured. */
export class LoggingNotifier implements Notifier {
  constructor(private readonly log: Logger) {}

  notify(alert: Alert): Promise<void> {
    const level = alert.kind === "resumed" ? "info" : "warn";
    this.log[level]({ alert: alert.kind, account: alert.accountName, lines: alert.lines }, alert.title);
    return Promise.resolve();
  }
}
