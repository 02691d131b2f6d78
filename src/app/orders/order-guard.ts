import { admitOrder, type LockedKillSwitch } from "../../domain/kill-switch/admission.js";
import type { KillSwitchState } from "../../domain/vocabulary.js";
import type { GuardedTransaction, TradingGate } from "../ports/trading-gate.js";

export type GateResult<T> = { allowed: true; value: T } | { allowed: false; state: "HALTED" | "UNKNOWN"; reason: string };

/**
 * "May this account trade?" and the order's reads and writes in one transaction that holds the
 * account's kill-switch row lock, so no order is recorded after a halt has committed. A
 * risk-reducing order passes while halted and `work` learns it entered under HALTED, so it must
 * prove it reduces risk; nothing passes when the state cannot be read. A refused order commits
 * the empty transaction: the lock read is its only statement.
 */
export function whenAdmitted<T>(
  gate: TradingGate,
  accountId: string,
  riskReducing: boolean,
  work: (tx: GuardedTransaction, state: KillSwitchState) => Promise<T>,
): Promise<GateResult<T>> {
  return gate.lockAccount(accountId, async (tx, locked: LockedKillSwitch | undefined): Promise<GateResult<T>> => {
    const admission = admitOrder(locked, riskReducing);
    if (!admission.admitted) return { allowed: false, state: admission.state, reason: admission.reason };
    return { allowed: true, value: await work(tx, admission.state) };
  });
}
