import type { Dec } from "../../domain/decimal.js";
import { nextPhase, previousPhase } from "../../domain/phases.js";
import type { Phase } from "../../domain/vocabulary.js";
import { checkOverrideCode, type OverrideCodeDeps } from "../kill-switch/check-override-code.js";
import type { AccountStore } from "../ports/account-store.js";
import type { GoingLiveDeps } from "./live-prep.js";
import { executeRealMoneyPromotion, planRealMoneyPromotion, requestRealMoneyPromotion, type LiveOutcome, type RealMoneyPlan } from "./promotion.js";
import type { Promotion } from "../ports/live-prep-store.js";

export interface PhaseDeps {
  accounts: Pick<AccountStore, "phaseOf" | "changePhase">;
  /** The override code and its desk-wide attempt counter (shared with resume), the clock, and the admins' alerts. */
  killSwitch: OverrideCodeDeps;
  /** Promotions toward real money (out of live-prep, out of micro); refused where this is absent. */
  live?: GoingLiveDeps;
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
  /** `live`: out of live-prep, the live account opened or moved to micro (a shadow account stays in live-prep). */
  | { outcome: "promoted"; from: Phase; to: Phase; phaseStartEquity: Dec; live?: LiveOutcome }
  /** Four eyes: the request waits for another admin. */
  | { outcome: "requested"; promotion: Promotion }
  | { outcome: "demoted"; from: Phase; to: Phase; phaseStartEquity: Dec }
  /** `missing`: the live-prep checklist's failing items, each with what to do. */
  | { outcome: "refused"; reason: string; missing?: string[] };

const refused = (reason: string): PhaseChangeResult => ({ outcome: "refused", reason });
const ADMINS_ONLY = "only an admin may change an account's phase";
const NO_CODE = "no override code is configured (OVERRIDE_CODE_HASH): promotion is impossible until one is set";
const CHANGED_MEANWHILE = "the account's phase changed meanwhile: look again and retry";

/**
 * One rung up the ladder (shadow -> live-prep -> micro -> small). Every step takes an admin and
 * the override code. Out of shadow: a passing promotion gate; the new phase starts now, from
 * the account's equity now. Toward real money (out of live-prep, out of micro): the evidence
 * (the live-prep checklist, the tracking-error gate) and, with PROMOTION_FOUR_EYES, a second
 * admin's approval; out of live-prep the live account is opened (or linked), see promotion.ts.
 */
export async function promoteAccount(deps: PhaseDeps, request: PromoteRequest): Promise<PhaseChangeResult> {
  if (!request.actorIsAdmin) return refused(ADMINS_ONLY);
  if (!deps.killSwitch.overrideCode) return refused(NO_CODE);
  const account = await deps.accounts.phaseOf(request.accountId);
  if (!account) return refused(`account ${request.accountId} does not exist`);
  const to = nextPhase(account.phase);
  if (!to) return refused(`the account is already in ${account.phase}, the last phase`);
  // The gate before the code: a promotion the gate refuses never spends (nor verifies) a code.
  const gateRefusal = promotionGateRefusal(account.phase, request.gate);
  if (gateRefusal) return refused(gateRefusal);
  const name = (await deps.killSwitch.store.status(request.accountId))?.accountName ?? request.accountId;
  let plan: RealMoneyPlan | undefined;
  if (account.phase !== "shadow") {
    // The evidence before the code, as the gate: a promotion it refuses never spends a code.
    if (!deps.live) return refused("promotions toward real money are not configured in this process");
    const planned = await planRealMoneyPromotion(deps.live, { id: request.accountId, name, mode: account.mode, phase: account.phase }, to, request.actor);
    if ("outcome" in planned) return planned;
    plan = planned;
  }
  const code = await checkOverrideCode(deps.killSwitch, { code: request.code, actor: request.actor, action: `promote ${name} to ${to}`, accountId: request.accountId, accountName: name });
  switch (code.outcome) {
    case "no_code_configured":
      return refused(NO_CODE);
    case "locked":
      return refused(`override codes are locked after too many wrong codes, until ${code.until.toISOString()}`);
    case "wrong":
      return refused(code.lockedUntil ? `wrong override code: every override-code use is now locked until ${code.lockedUntil.toISOString()}` : `wrong override code (${code.attemptsLeft} attempt(s) left before a lockout)`);
    case "right":
      break;
  }
  if (plan && deps.live) {
    if (deps.live.settings.fourEyes) return requestRealMoneyPromotion(deps.live, plan, request.actor);
    const done = await executeRealMoneyPromotion(deps.live, deps.accounts, plan, { promotionId: null, requestedBy: request.actor, decidedBy: request.actor });
    return done.outcome === "not_pending" ? refused(CHANGED_MEANWHILE) : done;
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

/** Why the gate stops a promotion out of shadow; null when it does not (later rungs need the code only). */
function promotionGateRefusal(from: Phase, gate: GateVerdict): string | null {
  if (from !== "shadow" || gate.passed) return null;
  return `the promotion gate has not passed: ${gate.failures.length > 0 ? gate.failures.join("; ") : "no reason given"}`;
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
