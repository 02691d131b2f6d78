import type { Dec } from "../../domain/decimal.js";
import type { AccountMode, Phase } from "../../domain/vocabulary.js";

export interface ShadowAccountSeed {
  name: string;
  /** Cash, starting capital and phase-start equity alike. */
  startingCapital: Dec;
  /** Reason recorded on its ACTIVE kill-switch row. */
  armedReason: string;
  actor: string;
}

export interface PhaseChange {
  accountId: string;
  from: Phase;
  to: Phase;
  at: Date;
  actor: string;
  action: "account.promoted" | "account.demoted";
  details: Record<string, unknown>;
}

export interface AccountStore {
  /**
   * Only when there is no account at all: creates a shadow/paper account in phase shadow with an
   * ACTIVE kill-switch row and an audit row, in one transaction serialised against concurrent
   * callers. Returns the new account's id, or undefined when an account existed.
   */
  createFirstShadowAccount(seed: ShadowAccountSeed): Promise<string | undefined>;
  /** The account's phase and mode; undefined when it does not exist. */
  phaseOf(accountId: string): Promise<{ phase: Phase; mode: AccountMode } | undefined>;
  /**
   * When the account is still in `from`: moves it to `to`, starts the phase at `at` with the
   * account's equity now (cash plus positions at their newest prices, unpriced ones at cost) and
   * appends an audit row, in one transaction. Undefined when the phase changed meanwhile.
   */
  changePhase(change: PhaseChange): Promise<{ phaseStartEquity: Dec } | undefined>;
}
