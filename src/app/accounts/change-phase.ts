import type { Dec } from "../../domain/decimal.js";
import { nextPhase, previousPhase } from "../../domain/phases.js";
import type { Phase } from "../../domain/vocabulary.js";
import type { KillSwitchDeps } from "../kill-switch/deps.js";
import type { AccountStore } from "../ports/account-store.js";

export interface PhaseDeps {
  accounts: Pick<AccountStore, "phaseOf" | "changePhase">;
  killSwitch: Pick<KillSwitchDeps, "overrideCode" | "clock">;
}

/** The promotion gate's verdict, computed by the caller from the shadow track record. */
export interface GateVerdict {
  passed: boolean;
  failures: string[];
}

export interface PromoteRequest {
  accountId: string;
  /** "tg:123" or "api". */
  actor: string;
  actorIsAdmin: boolean;
  /** The override code, checked in constant time against OVERRIDE_CODE_HASH. */
  code: string;
  /** Must pass to leave shadow; later rungs need the code only. */
  gate: GateVerdict;
}

export interface DemoteRequest {
  accountId: string;
  actor: string;
  actorIsAdmin: boolean;
}

export type PhaseChangeResult =
  | { outcome: "promoted"; from: Phase; to: Phase; phaseStartEquity: Dec }
  | { outcome: "demoted"; from: Phase; to: Phase; phaseStartEquity: Dec }
  | { outcome: "refused"; reason: string };

const refused = (reason: string): PhaseChangeResult => ({ outcome: "refused", reason });
const ADMINS_ONLY = "only an admin may change an account's phase";
const CHANGED_MEANWHILE = "the account's phase changed meanwhile: look again and retry";

/**
 * One rung up the ladder (shadow -> live-prep -> micro -> small). Moving toward real money
 * takes an admin, the override code and, out of shadow, a passing promotion gate. The new
 * phase starts now, from the account's equity now (the phase loss limit counts from there).
 */
export async function promoteAccount(deps: PhaseDeps, request: PromoteRequest): Promise<PhaseChangeResult> {
  if (!request.actorIsAdmin) return refused(ADMINS_ONLY);
  const verifier = deps.killSwitch.overrideCode;
  if (!verifier) return refused("no override code is configured (OVERRIDE_CODE_HASH): promotion is impossible until one is set");
  const account = await deps.accounts.phaseOf(request.accountId);
  if (!account) return refused(`account ${request.accountId} does not exist`);
  const to = nextPhase(account.phase);
  if (!to) return refused(`the account is already in ${account.phase}, the last phase`);
  if (!(await verifier.verify(request.code))) return refused("wrong override code");
  if (account.phase === "shadow" && !request.gate.passed) {
    const why = request.gate.failures.length > 0 ? request.gate.failures.join("; ") : "no reason given";
    return refused(`the promotion gate has not passed: ${why}`);
  }
  const changed = await deps.accounts.changePhase({
    accountId: request.accountId,
    from: account.phase,
    to,
    at: deps.killSwitch.clock.now(),
    actor: request.actor,
    action: "account.promoted",
    details: account.phase === "shadow" ? { gate: request.gate } : {},
  });
  return changed ? { outcome: "promoted", from: account.phase, to, phaseStartEquity: changed.phaseStartEquity } : refused(CHANGED_MEANWHILE);
}

/**
 * One rung down: toward safety, so any admin may, without a code. A live account stops at
 * live-prep (no orders): its shadow phase would lift every phase limit on real money.
 */
export async function demoteAccount(deps: PhaseDeps, request: DemoteRequest): Promise<PhaseChangeResult> {
  if (!request.actorIsAdmin) return refused(ADMINS_ONLY);
  const account = await deps.accounts.phaseOf(request.accountId);
  if (!account) return refused(`account ${request.accountId} does not exist`);
  const to = previousPhase(account.phase);
  if (!to) return refused(`the account is already in ${account.phase}, the first phase`);
  if (account.mode === "live" && to === "shadow") return refused("a live account cannot go back to shadow (it would lift every phase limit on real money); live-prep is its safest phase");
  const changed = await deps.accounts.changePhase({
    accountId: request.accountId,
    from: account.phase,
    to,
    at: deps.killSwitch.clock.now(),
    actor: request.actor,
    action: "account.demoted",
    details: {},
  });
  return changed ? { outcome: "demoted", from: account.phase, to, phaseStartEquity: changed.phaseStartEquity } : refused(CHANGED_MEANWHILE);
}
