import { z } from "zod";
import { checkAllAccounts } from "../src/app/kill-switch/check-triggers.js";
import type { KillSwitchDeps } from "../src/app/kill-switch/deps.js";
import type { JobDefinition } from "./registry.js";

const payload = z.object({}).strict();

/** `trigger-check`: evaluates every account's kill-switch triggers (DESIGN.md section 7, every 30 s). */
export function triggerCheckJob(deps: KillSwitchDeps, everySeconds: number): JobDefinition<z.infer<typeof payload>, "trigger-check"> {
  return {
    name: "trigger-check",
    payload,
    schedule: { every: everySeconds * 1000 },
    async process() {
      const { results, failures } = await checkAllAccounts(deps, "schedule");
      // A check that could not run is a temporary error: throwing lets BullMQ retry with backoff.
      if (failures.length > 0) throw new Error(`trigger check failed for ${failures.map((f) => `${f.accountId} (${f.error})`).join(", ")}`);
      return { accounts: results.length, halted: results.filter((r) => r.halted).map((r) => r.accountName) };
    },
  };
}
