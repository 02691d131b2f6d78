import { haltingReadings, remainingSuppressions } from "../../domain/kill-switch/kill-switch.js";
import { evaluateTriggers, withUnit, type Reading } from "../../domain/kill-switch/triggers.js";
import type { KillSwitchDeps } from "./deps.js";

export type CheckSource = "schedule" | "fill" | "price-batch" | "api" | "resume" | "watchdog";

export interface CheckResult {
  accountId: string;
  accountName: string;
  readings: Reading[];
  /** Triggers that fired and were not suppressed. */
  fired: Reading[];
  /** true when this check moved the account from ACTIVE to HALTED. */
  halted: boolean;
}

/**
 * Evaluates every trigger for one account, persists the readings, and halts when one fires.
 * Runs on a schedule, after every fill and after every price batch. A check that cannot read
 * its snapshot throws (the job reports and retries it); orders never depend on it, because the
 * order guard reads the kill-switch row itself and treats an unreadable row as halted.
 */
export async function checkTriggers(deps: KillSwitchDeps, accountId: string, source: CheckSource): Promise<CheckResult> {
  const now = deps.clock.now();
  const tradingDay = deps.calendar.tradingDayOf(now);
  const marketOpen = deps.calendar.isMarketOpen(now);
  const loaded = await deps.snapshots.load({ accountId, tradingDay, marketOpen, now, fixStartOfDay: true });
  if (!loaded) throw new Error(`account ${accountId} does not exist`);
  const readings = evaluateTriggers(loaded.snapshot, deps.thresholds);
  const peakEquity = loaded.snapshot.peakEquity ?? loaded.snapshot.equity;

  // The common case after a fill or a tick: nothing fires and nothing is suppressed, so there is
  // nothing to decide under the lock; the readings are stored in one statement.
  if (!loaded.anySuppressed && readings.every((r) => !r.fired)) {
    await deps.store.recordQuietReadings(accountId, { readings, checkedAt: now, peakEquity });
    return { accountId, accountName: loaded.accountName, readings, fired: [], halted: false };
  }

  const outcome = await deps.store.withLock(accountId, async (locked) => {
    const fired = haltingReadings(readings, locked.status.suppressedTriggers, tradingDay);
    const suppressed = remainingSuppressions(readings, locked.status.suppressedTriggers, tradingDay);
    await locked.saveReadings({ readings, checkedAt: now, suppressed, peakEquity });
    let halted = false;
    if (fired.length > 0) {
      const first = fired[0]!;
      halted = await locked.halt({
        trigger: first.trigger,
        reason: describe(first),
        actor: `system:${source}`,
        details: { readings: fired, tradingDay },
      });
    }
    return { fired, halted };
  });

  // Alert on a new halt; a trigger that fires on an already-halted account was recorded as an event only.
  if (outcome.halted) {
    await deps.notifier.notify({
      kind: "halted",
      accountId,
      accountName: loaded.accountName,
      accountMode: loaded.mode,
      title: `HALTED ${loaded.accountName}: ${outcome.fired.map((r) => r.trigger).join(", ")}`,
      lines: outcome.fired.map(describe),
      at: now,
    });
  }
  return { accountId, accountName: loaded.accountName, readings, fired: outcome.fired, halted: outcome.halted };
}

/** Checks every account; one account's failure does not stop the others (it is reported). */
export async function checkAllAccounts(deps: KillSwitchDeps, source: CheckSource): Promise<{ results: CheckResult[]; failures: { accountId: string; error: string }[] }> {
  const results: CheckResult[] = [];
  const failures: { accountId: string; error: string }[] = [];
  for (const accountId of await deps.store.accountIds()) {
    try {
      results.push(await checkTriggers(deps, accountId, source));
    } catch (error) {
      failures.push({ accountId, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { results, failures };
}

export function describe(r: Reading): string {
  return `${r.trigger}: ${withUnit(r.value, r.unit)} vs limit ${withUnit(r.threshold, r.unit)}${r.detail ? ` (${r.detail})` : ""}`;
}
