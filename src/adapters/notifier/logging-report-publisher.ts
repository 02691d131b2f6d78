import type { DeskReport, ReportPublisher } from "../../app/ports/report-publisher.js";
import type { Logger } from "../../logger.js";

/** Where reports go when this process cannot reach Telegram (a lone worker in local mode): a line in the log. */
export class LoggingReportPublisher implements ReportPublisher {
  constructor(private readonly log: Logger) {}

  toOperators(report: DeskReport): Promise<{ delivered: number; failed: number }> {
    this.log.info({ report: report.id, accounts: report.report.accounts.length }, "report (no Telegram in this process)");
    return Promise.resolve({ delivered: 0, failed: 0 });
  }

  toChat(chatId: number, report: DeskReport): Promise<void> {
    this.log.info({ report: report.id, chatId }, "report for one chat (no Telegram in this process)");
    return Promise.resolve();
  }
}
