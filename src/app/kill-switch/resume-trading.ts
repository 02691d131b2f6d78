import { decideResume } from "../../domain/kill-switch/kill-switch.js";
import { evaluateTriggers, type Reading } from "../../domain/kill-switch/triggers.js";
import { cleanText } from "../../domain/text.js";
import type { Trigger } from "../../domain/vocabulary.js";
import { checkOverrideCode } from "./check-override-code.js";
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
 * Resumes a halted account. Shared by the Telegram conversation and the REST deactivate call.
 * The override code is checked first, under the desk-wide attempt counter and OUTSIDE the
 * kill-switch row lock (scrypt is slow on purpose, and a halt must never wait for it); the lock
 * is then held only to re-read the state and change it.
 */
export async function resumeTrading(deps: KillSwitchDeps, request: ResumeRequest): Promise<ResumeResult> {
  if (!deps.overrideCode) return { outcome: "no_code_configured" };
  const actor = cleanText(request.actor, { maxChars: 64 });
  const now = deps.clock.now();
  const tradingDay = deps.calendar.tradingDayOf(now);
  const loaded = await deps.snapshots.load({ accountId: request.accountId, tradingDay, marketOpen: deps.calendar.isMarketOpen(now), now, fixStartOfDay: true });
  if (!loaded) throw new Error(`account ${request.accountId} does not exist`);
  const before = await deps.store.status(request.accountId);
  // Not halted: nothing a code could unlock, so no attempt is spent.
  if (before && before.state !== "HALTED") return { outcome: "not_halted" };

  const code = await checkOverrideCode(deps, { code: request.code, actor, action: `resume ${loaded.accountName}`, accountId: request.accountId, accountName: loaded.accountName });
  if (code.outcome === "no_code_configured") return code;
  if (code.outcome !== "right") {
    const result: ResumeResult = code.outcome === "locked" ? code : { outcome: "wrong_code", attemptsLeft: code.attemptsLeft, lockedUntil: code.lockedUntil };
    await deps.store.withLock(request.accountId, (locked) =>
      locked.recordEvent(
        code.outcome === "locked"
          ? { event: "resume_refused", reason: "override codes are locked after too many wrong codes", actor }
          : {
              event: code.lockedUntil ? "resume_locked" : "resume_refused",
              reason: code.lockedUntil ? "wrong override code: every override-code use is locked" : "wrong override code",
              actor,
              details: { attemptsLeft: code.attemptsLeft, lockedUntil: code.lockedUntil?.toISOString() ?? null },
            },
      ),
    );
    return result;
  }

  const readings = evaluateTriggers(loaded.snapshot, deps.thresholds);
  const result = await deps.store.withLock(request.accountId, async (locked): Promise<ResumeResult> => {
    const decision = decideResume({ facts: locked.status, readings, acknowledged: request.acknowledge });
    switch (decision.outcome) {
      case "not_halted":
        return decision;
      case "needs_acknowledgement":
        await locked.recordEvent({ event: "resume_refused", reason: "a trigger still holds and was not acknowledged", actor, details: { stillFiring: decision.stillFiring } });
        return decision;
      case "resume": {
        const suppress = Object.fromEntries(decision.suppress.map((r) => [r.trigger, tradingDay]));
        await locked.resume({ actor, suppress, readings });
        return { outcome: "resumed", suppressed: decision.suppress.map((r) => r.trigger) };
      }
    }
  });

  const base = { accountId: request.accountId, accountName: loaded.accountName, at: now };
  if (result.outcome === "resumed") {
    await deps.notifier.notify({
      ...base,
      kind: "resumed",
      title: `RESUMED ${loaded.accountName}`,
      lines: [`by: ${actor}`, ...(result.suppressed.length ? [`acknowledged and suppressed for today: ${result.suppressed.join(", ")}`] : [])],
    });
  } else if (result.outcome === "needs_acknowledgement") {
    await deps.notifier.notify({ ...base, kind: "resume_refused", title: `Resume of ${loaded.accountName} needs acknowledgement`, lines: result.stillFiring.map(describe) });
  }
  return result;
}
