import type { Dec } from "../../domain/decimal.js";
import type { KillSwitchFacts } from "../../domain/kill-switch/kill-switch.js";
import type { Reading } from "../../domain/kill-switch/triggers.js";
import type { KillSwitchEvent, KillSwitchState, Trigger } from "../../domain/vocabulary.js";
import type { OverrideCodeGuard } from "./override-code-guard.js";

/** failedResumeAttempts and resumeLockedUntil are the desk-wide override-code guard's (one counter for every account). */
export interface KillSwitchStatus extends KillSwitchFacts {
  accountId: string;
  accountName: string;
  trigger: Trigger | null;
  reason: string;
  actor: string;
  changedAt: Date;
  consecutiveApiErrors: number;
  lastReadings: Reading[];
  lastCheckedAt: Date | null;
}

export interface HaltInput {
  trigger: Trigger;
  reason: string;
  actor: string;
  details: Record<string, unknown>;
}

/** Work done while the account's kill-switch row is locked (SELECT ... FOR UPDATE); commits as one. */
export interface LockedKillSwitch {
  readonly status: KillSwitchStatus;
  /** ACTIVE -> HALTED (or a new reason appended while already halted); cancels pending proposals. Returns whether the state changed. */
  halt(input: HaltInput): Promise<boolean>;
  resume(input: { actor: string; suppress: Partial<Record<Trigger, string>>; readings: readonly Reading[] }): Promise<void>;
  recordEvent(input: { event: KillSwitchEvent; trigger?: Trigger | null; reason: string; actor: string; details?: Record<string, unknown>; toState?: KillSwitchState }): Promise<void>;
  saveReadings(input: { readings: readonly Reading[]; checkedAt: Date; suppressed: Partial<Record<Trigger, string>>; peakEquity: Dec }): Promise<void>;
}

export interface KillSwitchStore extends OverrideCodeGuard {
  accountIds(): Promise<string[]>;
  /** Accounts that hold at least one of these tickers: the ones a price batch can move. */
  accountIdsHolding(tickers: readonly string[]): Promise<string[]>;
  /** Undefined when the account has no kill-switch row; a read error throws. Callers treat both as halted. */
  status(accountId: string): Promise<KillSwitchStatus | undefined>;
  withLock<T>(accountId: string, work: (locked: LockedKillSwitch) => Promise<T>): Promise<T>;
  /**
   * Stores readings that decide nothing (no trigger fired, none suppressed) in one statement,
   * without the row lock: they are for display, and the peak only ever rises (GREATEST).
   */
  /**
   * Counts a real broker call for the api_error trigger: a failure adds one, a success resets
   * the count to 0. Returns the count after the call. Persisted, like every safety counter.
   */
  recordBrokerCall(accountId: string, ok: boolean): Promise<number>;
  recordQuietReadings(accountId: string, input: { readings: readonly Reading[]; checkedAt: Date; peakEquity: Dec }): Promise<void>;
}
