import type { Alert, Notifier } from "../../app/ports/notifier.js";

/** Keeps every alert in memory, in order: for tests and benchmarks that assert what was pushed. */
export class RecordingNotifier implements Notifier {
  readonly alerts: Alert[] = [];
  private waiters: { match: (a: Alert) => boolean; resolve: (a: Alert) => void }[] = [];

  notify(alert: Alert): Promise<void> {
    this.alerts.push(alert);
    this.waiters = this.waiters.filter((w) => (w.match(alert) ? (w.resolve(alert), false) : true));
    return Promise.resolve();
  }

  /** Resolves with the first alert (already recorded or still to come) that matches. */
  next(match: (a: Alert) => boolean): Promise<Alert> {
    const found = this.alerts.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  clear(): void {
    this.alerts.length = 0;
  }
}
