import type { KillSwitchState } from "../vocabulary.js";

/** An account's kill-switch row as read under its lock. */
export interface LockedKillSwitch {
  state: KillSwitchState;
  reason: string;
}

export type Admission =
  | { admitted: true; state: KillSwitchState }
  | { admitted: false; state: "HALTED" | "UNKNOWN"; reason: string };

/** Why an order is refused when the account has no kill-switch row to read. */
export const UNKNOWN_STATE_REASON = "the kill-switch state cannot be read: treated as halted";

/**
 * Who may enter the order guard. ACTIVE: everyone. HALTED: only an order that claims to reduce
 * risk (a SELL), which must then prove it inside, against the positions it reads under the lock
 * (isRiskReducing in the pre-trade checks). No row to read: nobody (fail closed).
 */
export function admitOrder(locked: LockedKillSwitch | undefined, riskReducing: boolean): Admission {
  if (!locked) return { admitted: false, state: "UNKNOWN", reason: UNKNOWN_STATE_REASON };
  if (locked.state !== "ACTIVE" && !riskReducing) return { admitted: false, state: "HALTED", reason: locked.reason };
  return { admitted: true, state: locked.state };
}
