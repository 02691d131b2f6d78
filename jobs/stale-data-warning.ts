import { z } from "zod";
import type { KillSwitchDeps } from "../src/app/kill-switch/deps.js";
import type { OnceLedger } from "../src/app/ports/once-ledger.js";
import { warnStaleData } from "../src/app/prices/warn-stale-data.js";
import type { JobDefinition } from "./registry.js";

const payload = z.object({}).strict();

/** `stale-data-warning` (every minute): tells the traders a held price is getting old, before the trigger halts. */
export function staleDataWarningJob(deps: { killSwitch: KillSwitchDeps; once: OnceLedger }): JobDefinition<z.infer<typeof payload>, "stale-data-warning"> {
  return { name: "stale-data-warning", payload, schedule: { every: 60_000 }, process: () => warnStaleData(deps) };
}
