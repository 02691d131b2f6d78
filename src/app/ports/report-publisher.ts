/** A report ready to send: HTML text and, when one could be drawn, a chart per account. */
export interface RenderedReport {
  /** "daily-2026-11-24": what the report is, for logs and idempotency. */
  id: string;
  html: string;
  charts: { caption: string; png: Buffer }[];
}

export interface ReportPublisher {
  /** Sends to every operator (the daily and weekly pushes). Throws when no operator got it, so the job retries. */
  toOperators(report: RenderedReport): Promise<{ delivered: number; failed: number }>;
  /** Sends to one chat (/report on demand). */
  toChat(chatId: number, report: RenderedReport): Promise<void>;
}
