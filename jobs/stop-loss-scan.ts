import { z } from "zod";
import { scanStopLosses, type StopLossDeps } from "../src/app/orders/stop-loss-scan.js";
import type { JobDefinition } from "./registry.js";

const payload = z.object({}).strict();

/** `stop-loss-scan`: sells the longs whose price fell to their stop (DESIGN.md section 7, every 30 s in market hours). */
export function stopLossScanJob(deps: StopLossDeps, everySeconds: number): JobDefinition<z.infer<typeof payload>, "stop-loss-scan"> {
  return {
    name: "stop-loss-scan",
    payload,
    schedule: { every: everySeconds * 1000 },
    async process() {
      const { calendar, clock } = deps.killSwitch;
      if (!calendar.isMarketOpen(clock.now())) return { skipped: "market closed" };
      const { tradingDay, actions, failures } = await scanStopLosses(deps);
      // An exit that could not run is a temporary error: BullMQ retries, and the idempotency key keeps it to one sell.
      if (failures.length > 0) throw new Error(`stop-loss exit failed for ${failures.map((f) => `${f.ticker} in ${f.accountId} (${f.error})`).join(", ")}`);
      return { tradingDay, exits: actions.map((a) => ({ accountId: a.accountId, ticker: a.ticker, quantity: a.quantity, status: a.outcome.status })) };
    },
  };
}
