import { InputFile, type Api } from "grammy";
import type { ChartRenderer } from "../../app/ports/chart-renderer.js";
import type { OperatorDirectory } from "../../app/ports/operator-directory.js";
import type { DeskReport, ReportPublisher } from "../../app/ports/report-publisher.js";
import type { Logger } from "../../logger.js";
import { renderDailyReport, type RenderedReport } from "./render/daily-report.js";
import { renderWeeklyReport } from "./render/weekly-report.js";
import { sendHtml } from "./reply.js";

/**
 * Reports as Telegram messages: each chart as a photo with its caption, then the text split at
 * Telegram's limit. The report is drawn once per push, whoever receives it. 429s are waited out
 * by the Api's retry transformer; an operator whose chat fails is logged, and the push fails (so
 * the job retries) only when nobody received it.
 */
export class TelegramReportPublisher implements ReportPublisher {
  constructor(
    private readonly api: Api,
    private readonly operators: OperatorDirectory,
    private readonly log: Logger,
    /** Draws the daily report's equity charts; without it the report goes as text. */
    private readonly charts?: ChartRenderer,
  ) {}

  async toOperators(report: DeskReport): Promise<{ delivered: number; failed: number }> {
    const recipients = await this.operators.all();
    const rendered = await this.render(report);
    const results = await Promise.allSettled(recipients.map((o) => this.send(o.userId, rendered)));
    let delivered = 0;
    results.forEach((r, i) => {
      if (r.status === "fulfilled") delivered += 1;
      else this.log.warn({ err: String(r.reason), operator: recipients[i]!.userId, report: report.id }, "could not deliver a report");
    });
    const failed = recipients.length - delivered;
    if (recipients.length > 0 && delivered === 0) throw new Error(`report ${report.id} reached none of ${recipients.length} operator(s)`);
    return { delivered, failed };
  }

  async toChat(chatId: number, report: DeskReport): Promise<void> {
    await this.send(chatId, await this.render(report));
  }

  private render(report: DeskReport): Promise<RenderedReport> {
    if (report.kind === "daily") return renderDailyReport(report.report, this.charts, this.log);
    return Promise.resolve({ id: report.id, html: renderWeeklyReport(report.report), charts: [] });
  }

  private async send(chatId: number, report: RenderedReport): Promise<void> {
    for (const chart of report.charts) {
      await this.api.sendPhoto(chatId, new InputFile(chart.png, `${report.id}.png`), { caption: chart.caption.slice(0, 1024) });
    }
    await sendHtml(this.api, chatId, report.html);
  }
}
