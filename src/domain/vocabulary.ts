/**
 * The fixed value sets of the desk. The database enforces the same lists with CHECK
 * constraints (migrations/), and a test keeps the two in step.
 */
export const ACCOUNT_MODES = ["shadow", "live"] as const;
export const BROKERS = ["paper", "kis"] as const;
export const PHASES = ["shadow", "live-prep", "micro", "small"] as const;
export const SIDES = ["BUY", "SELL"] as const;
export const ORDER_TYPES = ["market", "limit"] as const;
export const ORDER_SOURCES = ["operator", "warroom", "stop-loss", "replay"] as const;
export const ORDER_STATUSES = ["new", "submitted", "partially_filled", "filled", "cancelled", "rejected", "failed", "unknown"] as const;
export const PROPOSAL_STATUSES = ["pending", "approved", "executed", "failed", "rejected_by_risk", "denied", "expired", "cancelled"] as const;
export const KILL_SWITCH_STATES = ["ACTIVE", "HALTED"] as const;
export const TRIGGERS = ["daily_loss", "max_drawdown", "api_error", "position_concentration", "stale_data", "manual", "daily_trade_limit", "phase_loss"] as const;
export const KILL_SWITCH_EVENTS = ["halted", "resumed", "trigger_fired", "trigger_acknowledged", "resume_refused", "resume_locked"] as const;
export const SIGNALS = ["BUY", "SELL", "HOLD"] as const;
export const VOTES = ["BUY", "SELL", "HOLD", "ABSTAIN"] as const;
export const ROLES = ["viewer", "trader", "admin"] as const;
export const SNAPSHOT_KINDS = ["start_of_day", "end_of_day", "intraday"] as const;

export type AccountMode = (typeof ACCOUNT_MODES)[number];
export type Broker = (typeof BROKERS)[number];
export type Phase = (typeof PHASES)[number];
export type Side = (typeof SIDES)[number];
export type OrderType = (typeof ORDER_TYPES)[number];
export type OrderSource = (typeof ORDER_SOURCES)[number];
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];
export type KillSwitchState = (typeof KILL_SWITCH_STATES)[number];
export type Trigger = (typeof TRIGGERS)[number];
export type KillSwitchEvent = (typeof KILL_SWITCH_EVENTS)[number];
export type Signal = (typeof SIGNALS)[number];
export type Vote = (typeof VOTES)[number];
export type Role = (typeof ROLES)[number];
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number];

/** Exchange tickers as the desk accepts them: NVDA, BRK.B, RDS-A. */
export const TICKER_PATTERN = /^[A-Z][A-Z0-9.-]{0,9}$/;
