import { z } from "zod";
import { backfillHistory, type BackfillDeps, type BackfillOptions } from "../src/app/prices/backfill-history.js";
import type { JobDefinition } from "./registry.js";

const payload = z.object({}).strict();

/**
 * `history-backfill`: after the close on weekdays (in the market's zone), daily bars for every
 * held and watched ticker up to the day's completed session, so the trend agent has its
 * averages from the first session of a new ticker. Tickers already stored whole are not fetched
 * again, so a retry, a second worker or the run at start-up costs a query per ticker. On a
 * holiday it fetches nothing new: the last completed trading day is already stored.
 */
export function historyBackfillJob(deps: BackfillDeps, options: BackfillOptions, pattern = "30 17 * * 1-5"): JobDefinition<z.infer<typeof payload>, "history-backfill"> {
  return {
    name: "history-backfill",
    payload,
    schedule: { pattern, tz: deps.calendar.timeZone },
    process: () => backfillHistory(deps, options),
  };
}
