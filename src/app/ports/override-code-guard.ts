/**
 * The desk-wide override-code attempt counter (PostgreSQL, one row). Every use of the code
 * (resume over Telegram or REST, phase promotion) claims an attempt BEFORE the code is
 * verified: a locked desk does not even verify, and concurrent guesses cannot exceed the limit.
 */

export type OverrideClaim =
  /** `attempt` is this attempt's number since the last right code; `lockedUntil` is set when it is the last one allowed. */
  | { claimed: true; attempt: number; lockedUntil: Date | null }
  | { claimed: false; lockedUntil: Date };

export interface OverrideCodeGuard {
  claimOverrideAttempt(input: { now: Date; maxAttempts: number; lockoutMinutes: number }): Promise<OverrideClaim>;
  /** A right code clears the count and the lock; a wrong one is recorded (who, which action) in the audit log. */
  settleOverrideAttempt(input: { right: boolean; actor: string; action: string; attempt: number; lockedUntil: Date | null; now: Date }): Promise<void>;
}
