import type { Dec } from "../../domain/decimal.js";
import type { AccountSnapshot } from "../../domain/kill-switch/triggers.js";
import type { AccountMode } from "../../domain/vocabulary.js";


export interface SnapshotRequest {
  accountId: string;
  tradingDay: string;
  marketOpen: boolean;
  now: Date;
  /**
   * Set by the kill switch's own checks only (check-triggers, resume): they fix the trading
   * day's start-of-day equity when it has none yet. Every other read (/status, the War Room,
   * the resume briefing, the stale-data warning) writes nothing.
   */
  fixStartOfDay?: boolean;
}

export interface SnapshotSource {
  /**
   * Reads cash, positions with their newest prices, start-of-day and peak equity, broker error
   * count and today's orders in one round trip. With `fixStartOfDay`, records the start-of-day
   * equity when the trading day has none yet; otherwise it is null until a check fixes it.
   * Undefined when the account does not exist.
   */
  load(request: SnapshotRequest): Promise<LoadedSnapshot | undefined>;
}

export interface LoadedSnapshot {
  accountName: string;
  /** A live account's alerts say so. */
  mode: AccountMode;
  /** The account's cash; the snapshot's equity is this plus its positions, valued by src/domain/portfolio/valuation.ts (an unpriced one at cost). */
  cash: Dec;
  snapshot: AccountSnapshot;
  /** Whether any trigger is suppressed (acknowledged at resume) right now. */
  anySuppressed: boolean;
}
