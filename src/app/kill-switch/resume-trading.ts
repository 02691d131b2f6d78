import { decideResume } from "../../domain/kill-switch/kill-switch.js";
import { evaluateTriggers, type Reading } from "../../domain/kill-switch/triggers.js";
import type { Trigger } from "../../domain/vocabulary.js";
import { describe } from "./check-triggers.js";
import type { KillSwitchDeps } from "./deps.js";

export interface ResumeRequest {
  accountId: string;
  /** Who asks: an admin's id ("tg:123") or "api". Role checks happen in the transport. */
  actor: string;
  code: string;
  /** The admin read the triggers that still hold and accepts them (they are then suppressed). */
  acknowledge: boolean;
}

export type ResumeResult =
  | { outcome: "resumed"; suppressed: Trigger[] }
  | { outcome: "not_halted" }
  | { outcome: "no_code_configured" }
  | { outcome: "locked"; until: Date }
  | { outcome: "wrong_code"; attemptsLeft: number; lockedUntil: Date | null }
  | { outcome: "needs_acknowledgement"; stillFiring: Reading[] };

/**
 * Resumes a halted account. Shared by the Telegram conversation and the REST deactivate call,
 * so both count toward the same lockout. The code check, the re-check of the triggers and the
 * state change all happen while the kill-switch row is locked.
 */
export async function resumeTrading(deps: KillSwitchDeps, request: ResumeRequest): Promise<ResumeResult> {
  if (!deps.overrideCode) return { outcome: "no_code_configured" };
  const verifier = deps.overrideCode;
  const now = deps.clock.now();
  const tradingDay = deps.calendar.tradingDayOf(now);
  const loaded = await deps.snapshots.load({ accountId: request.accountId, tradingDay, marketOpen: deps.calendar.isMarketOpen(now), now });
  if (!loaded) throw new Error(`account ${request.accountId} does not exist`);
  const readings = evaluateTriggers(loaded.snapshot, deps.thresholds);

  const result = await deps.store.withLock(request.accountId, async (locked): Promise<ResumeResult> => {
    const locking = locked.status.resumeLockedUntil && locked.status.resumeLockedUntil > now;
    // While locked the code is not even checked: guessing gains nothing.
    const codeIsRight = locking ? false : await verifier.verify(request.code);
    const decision = decideResume({ facts: locked.status, codeIsRight, readings, acknowledged: request.acknowledge, policy: deps.resumePolicy, now });
    switch (decision.outcome) {
      case "not_halted":
        return decision;
      case "locked":
        await locked.recordEvent({ event: "resume_refused", reason: "resume is locked after too many wrong codes", actor: request.actor });
        return decision;
      case "wrong_code":
        await locked.recordWrongCode({ actor: request.actor, attempts: decision.attempts, lockedUntil: decision.lockedUntil });
        return { outcome: "wrong_code", attemptsLeft: Math.max(0, deps.resumePolicy.maxAttempts - decision.attempts), lockedUntil: decision.lockedUntil };
      case "needs_acknowledgement":
        await locked.recordEvent({ event: "resume_refused", reason: "a trigger still holds and was not acknowledged", actor: request.actor, details: { stillFiring: decision.stillFiring } });
        return decision;
      case "resume": {
        const suppress = Object.fromEntries(decision.suppress.map((r) => [r.trigger, tradingDay]));
        await locked.resume({ actor: request.actor, suppress, readings });
        return { outcome: "resumed", suppressed: decision.suppress.map((r) => r.trigger) };
      }
    }
  });

  await notifyOutcome(deps, request, loaded.accountName, result, now);
  return result;
}

async function notifyOutcome(deps: KillSwitchDeps, request: ResumeRequest, accountName: string, result: ResumeResult, at: Date): Promise<void> {
  const base = { accountId: request.accountId, accountName, at };
  if (result.outcome === "resumed") {
    await deps.notifier.notify({
      ...base,
      kind: "resumed",
      title: `RESUMED ${accountName}`,
      lines: [`by: ${request.actor}`, ...(result.suppressed.length ? [`acknowledged and suppressed for today: ${result.suppressed.join(", ")}`] : [])],
    });
  } else if (result.outcome === "wrong_code" && result.lockedUntil) {
    await deps.notifier.notify({
      ...base,
      kind: "resume_locked",
      title: `Resume LOCKED for ${accountName}`,
      lines: [`${deps.resumePolicy.maxAttempts} wrong override codes, last by ${request.actor}`, `locked until ${result.lockedUntil.toISOString()}`],
    });
  } else if (result.outcome === "needs_acknowledgement") {
    await deps.notifier.notify({ ...base, kind: "resume_refused", title: `Resume of ${accountName} needs acknowledgement`, lines: result.stillFiring.map(describe) });
  }
}
