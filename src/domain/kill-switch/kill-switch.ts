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
  | { outcome: "locked"; until: Date }
  | { outcome: "wrong_code"; attempts: number; lockedUntil: Date | null }
  | { outcome: "needs_acknowledgement"; stillFiring: Reading[] }
  | { outcome: "resume"; suppress: Reading[] };

/**
 * The resume rules of DESIGN.md section 3, as a pure decision:
 * locked -> refuse without even checking the code; wrong code -> count it, and lock after
 * `maxAttempts`; right code but a trigger still holds -> the admin must acknowledge it, and it is
 * then suppressed; otherwise resume.
 */
export function decideResume(input: {
  facts: KillSwitchFacts;
  codeIsRight: boolean;
  readings: readonly Reading[];
  acknowledged: boolean;
  policy: ResumePolicy;
  now: Date;
}): ResumeDecision {
  const { facts, policy, now } = input;
  if (facts.state !== "HALTED") return { outcome: "not_halted" };
  if (facts.resumeLockedUntil && facts.resumeLockedUntil.getTime() > now.getTime()) {
    return { outcome: "locked", until: facts.resumeLockedUntil };
  }
  if (!input.codeIsRight) {
    // A lockout that has run out starts a fresh count.
    const previous = facts.resumeLockedUntil ? 0 : facts.failedResumeAttempts;
    const attempts = previous + 1;
    const lockedUntil = attempts >= policy.maxAttempts ? new Date(now.getTime() + policy.lockoutMinutes * 60_000) : null;
    return { outcome: "wrong_code", attempts, lockedUntil };
  }
  const stillFiring = input.readings.filter((r) => r.fired);
  if (stillFiring.length > 0 && !input.acknowledged) return { outcome: "needs_acknowledgement", stillFiring };
  return { outcome: "resume", suppress: stillFiring };
}
