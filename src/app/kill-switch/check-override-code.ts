import type { KillSwitchDeps } from "./deps.js";

export type OverrideCodeCheck =
  | { outcome: "right" }
  | { outcome: "wrong"; attemptsLeft: number; lockedUntil: Date | null }
  | { outcome: "locked"; until: Date }
  | { outcome: "no_code_configured" };

export interface OverrideCodeUse {
  code: string;
  /** Who offers it: "tg:123" or "api". */
  actor: string;
  /** What it is for, told to the admins on a wrong code: "resume Shadow", "promote Shadow to micro". */
  action: string;
  accountId: string;
  accountName: string;
}

export type OverrideCodeDeps = Pick<KillSwitchDeps, "store" | "overrideCode" | "notifier" | "clock" | "resumePolicy">;

/**
 * Every use of the override code goes through here, under one desk-wide attempt counter: the
 * attempt is claimed before the code is verified (a locked desk does not even verify, and
 * concurrent guesses cannot exceed the limit), a right code clears the count, and every wrong
 * code is told to the admins: who, for what, how many attempts are left; the lock too.
 * Nothing here holds a kill-switch row: verification (scrypt, slow on purpose) never delays a halt.
 */
export async function checkOverrideCode(deps: OverrideCodeDeps, use: OverrideCodeUse): Promise<OverrideCodeCheck> {
  const verifier = deps.overrideCode;
  if (!verifier) return { outcome: "no_code_configured" };
  const now = deps.clock.now();
  const { maxAttempts, lockoutMinutes } = deps.resumePolicy;
  const claim = await deps.store.claimOverrideAttempt({ now, maxAttempts, lockoutMinutes });
  if (!claim.claimed) return { outcome: "locked", until: claim.lockedUntil };

  const right = await verifier.verify(use.code);
  await deps.store.settleOverrideAttempt({ right, actor: use.actor, action: use.action, attempt: claim.attempt, lockedUntil: claim.lockedUntil, now });
  if (right) return { outcome: "right" };

  const attemptsLeft = Math.max(0, maxAttempts - claim.attempt);
  const base = { accountId: use.accountId, accountName: use.accountName, at: now };
  if (claim.lockedUntil) {
    await deps.notifier.notify({
      ...base,
      kind: "resume_locked",
      title: "Override code LOCKED for the whole desk",
      lines: [
        `${claim.attempt} wrong override codes, last by ${use.actor} (${use.action})`,
        `resume, promotion and the REST deactivate are locked until ${claim.lockedUntil.toISOString()}`,
      ],
    });
  } else {
    await deps.notifier.notify({
      ...base,
      kind: "resume_refused",
      title: "Wrong override code",
      lines: [`by ${use.actor} (${use.action})`, `${attemptsLeft} attempt(s) left before every override-code use is locked for ${lockoutMinutes} minutes`],
    });
  }
  return { outcome: "wrong", attemptsLeft, lockedUntil: claim.lockedUntil };
}
