import { evaluateTriggers, type Reading } from "../../domain/kill-switch/triggers.js";
import type { Trigger } from "../../domain/vocabulary.js";
import type { KillSwitchDeps } from "./deps.js";

/** What an admin reads before resuming: plain JSON (times as ISO strings), so a dialogue can store it. */
export interface ResumeBriefing {
  accountId: string;
  accountName: string;
  trigger: Trigger | null;
  reason: string;
  haltedBy: string;
  since: string;
  /** Current readings, evaluated now rather than the last stored ones. */
  readings: Reading[];
  stillFiring: Reading[];
  lockedUntil: string | null;
}

/** Every halted account with why it halted and what the triggers read now. */
export async function haltedAccounts(deps: KillSwitchDeps): Promise<ResumeBriefing[]> {
  const now = deps.clock.now();
  const briefings: ResumeBriefing[] = [];
  for (const accountId of await deps.store.accountIds()) {
    const status = await deps.store.status(accountId);
    if (!status || status.state !== "HALTED") continue;
    const loaded = await deps.snapshots.load({ accountId, tradingDay: deps.calendar.tradingDayOf(now), marketOpen: deps.calendar.isMarketOpen(now), now });
    const readings = loaded ? evaluateTriggers(loaded.snapshot, deps.thresholds) : status.lastReadings;
    briefings.push({
      accountId,
      accountName: status.accountName,
      trigger: status.trigger,
      reason: status.reason,
      haltedBy: status.actor,
      since: status.changedAt.toISOString(),
      readings,
      stillFiring: readings.filter((r) => r.fired),
      lockedUntil: status.resumeLockedUntil && status.resumeLockedUntil > now ? status.resumeLockedUntil.toISOString() : null,
    });
  }
  return briefings;
}
