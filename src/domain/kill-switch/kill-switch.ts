import type { KillSwitchState, Trigger } from "../vocabulary.js";
import type { Reading } from "./triggers.js";

/** The persisted kill-switch facts of one account that the rules below decide on. */
export interface KillSwitchFacts {
  state: KillSwitchState;
  failedResumeAttempts: number;
  resumeLockedUntil: Date | null;
  /** trigger -> trading day (YYYY-MM-DD) through which an acknowledged trigger is suppressed. */
  suppressedTriggers: Partial<Record<Trigger, string>>;
}

export interface ResumePolicy {
  maxAttempts: number;
  lockoutMinutes: number;
}

/**
 * Which fired readings halt the account. A trigger an admin acknowledged at resume stays quiet
 * while it still holds on that trading day; once it clears (or the day changes) it is armed again.
 */
export function haltingReadings(readings: readonly Reading[], suppressed: KillSwitchFacts["suppressedTriggers"], tradingDay: string): Reading[] {
  return readings.filter((r) => r.fired && suppressed[r.trigger] !== tradingDay);
}

/** Suppressions still in force: same trading day and the condition still holds. */
export function remainingSuppressions(
  readings: readonly Reading[],
  suppressed: KillSwitchFacts["suppressedTriggers"],
  tradingDay: string,
): KillSwitchFacts["suppressedTriggers"] {
  const firing = new Set(readings.filter((r) => r.fired).map((r) => r.trigger));
  const kept: KillSwitchFacts["suppressedTriggers"] = {};
  for (const [trigger, day] of Object.entries(suppressed) as [Trigger, string][]) {
    if (day === tradingDay && firing.has(trigger as Reading["trigger"])) kept[trigger] = day;
  }
  return kept;
}

export type ResumeDecision =
  | { outcome: "not_halted" }
  | { outcome: "needs_acknowledgement"; stillFiring: Reading[] }
  | { outcome: "resume"; suppress: Reading[] };

/**
 * The resume rules of DESIGN.md section 3, once the override code was found right (the code,
 * its attempt counter and the lockout are desk-wide and checked before, outside the row lock):
 * a trigger that still holds must be acknowledged, and it is then suppressed; otherwise resume.
 */
export function decideResume(input: { facts: Pick<KillSwitchFacts, "state">; readings: readonly Reading[]; acknowledged: boolean }): ResumeDecision {
  if (input.facts.state !== "HALTED") return { outcome: "not_halted" };
  const stillFiring = input.readings.filter((r) => r.fired);
  if (stillFiring.length > 0 && !input.acknowledged) return { outcome: "needs_acknowledgement", stillFiring };
  return { outcome: "resume", suppress: stillFiring };
}
