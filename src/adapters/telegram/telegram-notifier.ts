import { GrammyError, type Api } from "grammy";
import { audienceOf, type Alert, type AlertDelivery, type AlertKind, type Delivery, type Notifier } from "../../app/ports/notifier.js";
import type { Operator, OperatorDirectory } from "../../app/ports/operator-directory.js";
import { bold, esc, italic } from "./render/html.js";
import { sendHtml } from "./reply.js";
import { etDateTime } from "./render/time.js";
import { hasRole } from "../../domain/roles.js";
import type { Logger } from "../../logger.js";

const ICON: Record<AlertKind, string> = {
  halted: "🚨",
  resumed: "🟢",
  trigger_fired: "⚠️",
  resume_refused: "⛔",
  resume_locked: "🔒",
  fill: "✅",
  stop_loss: "🛑",
  stale_data: "⏱️",
  signal: "📡",
  desk_health: "🩺",
  promotion: "🪜",
  test_alert: "🔔",
};

export function renderAlert(alert: Alert): string {
  return [`${ICON[alert.kind]} ${bold(alert.title)}`, ...alert.lines.map((l) => esc(l)), italic(`${alert.accountMode === "live" ? "🔴 LIVE · " : ""}${alert.accountName} · ${etDateTime(alert.at)}`)].join("\n");
}

/**
 * Pushes alerts to the operators of their audience, all at once (a halt must not wait on a slow
 * chat). Never throws: a failed push is logged, and the log notifier beside it keeps a record.
 */
export class TelegramNotifier implements Notifier, AlertDelivery {
  constructor(
    private readonly api: Api,
    private readonly operators: OperatorDirectory,
    private readonly log: Logger,
    /** The operators named in the configuration: who is told when the directory (PostgreSQL) cannot be read, as during a database outage. */
    private readonly configured: readonly Operator[] = [],
  ) {}

  async notify(alert: Alert): Promise<void> {
    try {
      const audience = audienceOf(alert.kind);
      const everyone = await this.operators.all().catch((error: unknown) => {
        this.log.warn({ err: String(error), alert: alert.kind }, "operator directory unreachable: alerting the configured operators");
        return this.configured;
      });
      const recipients = everyone.filter((o) => hasRole(o.role, audience));
      const html = renderAlert(alert);
      const results = await Promise.allSettled(recipients.map((o) => sendHtml(this.api, o.userId, html, {})));
      results.forEach((r, i) => {
        if (r.status === "rejected") this.log.warn({ err: String(r.reason), operator: recipients[i]!.userId, alert: alert.kind }, "could not push an alert");
      });
    } catch (error) {
      this.log.error({ err: String(error), alert: alert.kind }, "pushing an alert failed");
    }
  }

  /** One operator, with the outcome (Telegram's refusal, e.g. a chat the admin never started). */
  async deliver(userId: number, alert: Alert): Promise<Delivery> {
    try {
      await sendHtml(this.api, userId, renderAlert(alert), {});
      return { delivered: true };
    } catch (error) {
      return { delivered: false, error: error instanceof GrammyError ? error.description : error instanceof Error ? error.message : String(error) };
    }
  }
}

/** Sends every alert to each notifier: the log always, Telegram when the bot runs. */
export class FanOutNotifier implements Notifier {
  constructor(private readonly notifiers: readonly Notifier[]) {}

  async notify(alert: Alert): Promise<void> {
    await Promise.all(this.notifiers.map((n) => n.notify(alert)));
  }
}
