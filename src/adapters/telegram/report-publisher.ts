import { InputFile, type Api } from "grammy";
import type { OperatorDirectory } from "../../app/ports/operator-directory.js";
import type { RenderedReport, ReportPublisher } from "../../app/ports/report-publisher.js";
import { sendHtml } from "./reply.js";
import type { Logger } from "../../logger.js";

/**
 * Reports as Telegram messages: each chart as a photo with its caption, then the text split at
 * Telegram's limit. 429s are waited out by the Api's retry transformer; an operator whose chat
 * fails is logged, and the push fails (so the job retries) only when nobody received it.
 */
export class TelegramReportPublisher implements ReportPublisher {
  constructor(
    private readonly api: Api,
    private readonly operators: OperatorDirectory,
    private readonly log: Logger,
  ) {}

  async toOperators(report: RenderedReport): Promise<{ delivered: number; failed: number }> {
    const recipients = await this.operators.all();
    const results = await Promise.allSettled(recipients.map((o) => this.toChat(o.userId, report)));
    let delivered = 0;
    results.forEach((r, i) => {
      if (r.status === "fulfilled") delivered += 1;
      else this.log.warn({ err: String(r.reason), operator: recipients[i]!.userId, report: report.id }, "could not deliver a report");
    });
    const failed = recipients.length - delivered;
    if (recipients.length > 0 && delivered === 0) throw new Error(`report ${report.id} reached none of ${recipients.length} operator(s)`);
    return { delivered, failed };
  }

  async toChat(chatId: number, report: RenderedReport): Promise<void> {
    for (const chart of report.charts) {
      await this.api.sendPhoto(chatId, new InputFile(chart.png, `${report.id}.png`), { caption: chart.caption.slice(0, 1024) });
    }
    await sendHtml(this.api, chatId, report.html);
  }
}
