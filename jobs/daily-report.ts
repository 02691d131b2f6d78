import { z } from "zod";
import type { EquityMarkStore } from "../src/app/ports/equity-mark-store.js";
import { dailyReport, type ReportPublisher } from "../src/app/ports/report-publisher.js";
import { buildDailyReport, type ReportDeps } from "../src/app/reports/daily-report.js";
import type { JobDefinition } from "./registry.js";

const payload = z.object({}).strict();

export interface DailyReportJobDeps {
  report: ReportDeps;
  marks: EquityMarkStore;
  publisher: ReportPublisher;
}

/**
 * `daily-report`: 16:15 New York, Monday to Friday; on an exchange holiday it does nothing.
 * It first fixes the day's end-of-day equity (once per account and day, so a retry or the
 * 16:05 mark job never writes two), then pushes the report with its chart to every operator.
 */
export function dailyReportJob(deps: DailyReportJobDeps, pattern = "15 16 * * 1-5"): JobDefinition<z.infer<typeof payload>, "daily-report"> {
  const { calendar, clock } = deps.report.killSwitch;
  return {
    name: "daily-report",
    payload,
    schedule: { pattern, tz: calendar.timeZone },
    async process() {
      const now = clock.now();
      const today = calendar.tradingDayOf(now);
      // tradingDayOf rolls a holiday or weekend forward; the report belongs only to a session that happened today.
      const calendarDay = new Intl.DateTimeFormat("en-CA", { timeZone: calendar.timeZone }).format(now);
      if (today !== calendarDay || !calendar.isTradingDay(calendarDay)) return { skipped: `${calendarDay} is not a trading day` };
      const marked = await deps.marks.markAll("end_of_day", today, now);
      const sent = await deps.publisher.toOperators(dailyReport(await buildDailyReport(deps.report)));
      return { tradingDay: today, marked, ...sent };
    },
  };
}
