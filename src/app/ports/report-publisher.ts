import type { DailyReport } from "../reports/daily-report.js";
import type { WeeklyReport } from "../reports/weekly-report.js";

/**
 * A report as the desk computed it; the channel that publishes it decides how it looks (Telegram
 * draws HTML and a chart per account, the log keeps a line). `id` ("daily-2026-11-24") says what
 * it is, for logs and idempotency.
 */
export type DeskReport = { kind: "daily"; id: string; report: DailyReport } | { kind: "weekly"; id: string; report: WeeklyReport };

export function dailyReport(report: DailyReport): DeskReport {
  return { kind: "daily", id: `daily-${report.tradingDay}`, report };
}

export function weeklyReport(report: WeeklyReport): DeskReport {
  return { kind: "weekly", id: `weekly-${report.lastDay}`, report };
}

export interface ReportPublisher {
  /** Sends to every operator (the daily and weekly pushes). Throws when no operator got it, so the job retries. */
  toOperators(report: DeskReport): Promise<{ delivered: number; failed: number }>;
  /** Sends to one chat (/report on demand). */
  toChat(chatId: number, report: DeskReport): Promise<void>;
}
