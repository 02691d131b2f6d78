import { z } from "zod";
import { weeklyReport, type ReportPublisher } from "../src/app/ports/report-publisher.js";
import { buildWeeklyReport, type WeeklyReportDeps } from "../src/app/reports/weekly-report.js";
import type { JobDefinition } from "./registry.js";

const payload = z.object({}).strict();

/** `weekly-report`: Sunday 18:00 New York, the week's review to every operator. */
export function weeklyReportJob(deps: { report: WeeklyReportDeps; publisher: ReportPublisher }, pattern = "0 18 * * 0"): JobDefinition<z.infer<typeof payload>, "weekly-report"> {
  return {
    name: "weekly-report",
    payload,
    schedule: { pattern, tz: deps.report.calendar.timeZone },
    async process() {
      const report = await buildWeeklyReport(deps.report);
      const sent = await deps.publisher.toOperators(weeklyReport(report));
      return { week: `${report.firstDay}..${report.lastDay}`, ...sent };
    },
  };
}
