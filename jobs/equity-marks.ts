import { z } from "zod";
import { recordEquityMarks, type EquityMarkDeps } from "../src/app/accounts/record-equity-marks.js";
import type { JobDefinition } from "./registry.js";

const payload = z.object({}).strict();

/** `equity-mark-intraday`: every 30 minutes; writes marks only while the market is open. */
export function intradayEquityMarkJob(deps: EquityMarkDeps): JobDefinition<z.infer<typeof payload>, "equity-mark-intraday"> {
  return { name: "equity-mark-intraday", payload, schedule: { every: 30 * 60_000 }, process: () => recordEquityMarks(deps, "intraday") };
}

/** `equity-mark-close`: 16:05 New York on weekdays; skips exchange holidays. */
export function closingEquityMarkJob(deps: EquityMarkDeps): JobDefinition<z.infer<typeof payload>, "equity-mark-close"> {
  return {
    name: "equity-mark-close",
    payload,
    schedule: { pattern: "5 16 * * 1-5", tz: deps.calendar.timeZone },
    process: () => recordEquityMarks(deps, "end_of_day"),
  };
}
