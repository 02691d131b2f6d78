import type { Dec } from "../../domain/decimal.js";
import { formatMoney } from "../../domain/format.js";
import { missingItems } from "../../domain/live-prep-checklist.js";
import type { AccountMode, KillSwitchState, Phase } from "../../domain/vocabulary.js";
import type { AccountStore } from "../ports/account-store.js";
import type { Promotion } from "../ports/live-prep-store.js";
import { adminIds, gatherChecklist, type GoingLiveDeps } from "./live-prep.js";

/**
 * Promotions toward real money (issue 14): out of live-prep (opens the live account, or moves the
 * existing one to micro) and out of micro (the live account to small). Each needs its evidence
 * green (the live-prep checklist; the tracking-error gate) before the override code is asked,
 * again when it is carried out (evidence expires), and, with PROMOTION_FOUR_EYES, a second
 * admin's approval in between.
 */

/** What a promotion toward real money will do, decided from the record before any code is spent. */
export interface RealMoneyPlan {
  accountId: string;
  accountName: string;
  from: Phase;
  to: Phase;
  /** Out of live-prep: the live account it opens (none yet) or moves to micro. */
  live: { kind: "open"; name: string; cash: Dec; brokerAccount: string } | { kind: "link"; accountId: string; name: string } | null;
  /** What was checked, stored on the request and the audit rows. */
  evidence: Record<string, unknown>;
}

export interface LiveOutcome {
  kind: "opened" | "linked";
  accountId: string;
  name: string;
  /** Opened: its cash, the broker's USD cash. Linked: its equity as micro begins. */
  cash: Dec;
  state: KillSwitchState;
}

export type Refused = { outcome: "refused"; reason: string; missing?: string[] };

export type Promoted = { outcome: "promoted"; from: Phase; to: Phase; phaseStartEquity: Dec; live?: LiveOutcome };

export type RealMoneyResult = Promoted | { outcome: "requested"; promotion: Promotion } | Refused;

const refused = (reason: string, missing?: string[]): Refused => ({ outcome: "refused", reason, ...(missing ? { missing } : {}) });

/**
 * Why the promotion cannot go ahead now, or what it will do. `requester` is the admin asking
 * (with four eyes, someone else must be there to approve); null when re-checked at approval.
 */
export async function planRealMoneyPromotion(
  live: GoingLiveDeps,
  account: { id: string; name: string; mode: AccountMode; phase: Phase },
  to: Phase,
  requester: string | null,
): Promise<RealMoneyPlan | Refused> {
  const base = { accountId: account.id, accountName: account.name, from: account.phase, to };
  if (requester && live.settings.fourEyes && (await adminIds(live)).every((a) => a === requester)) {
    return refused("four eyes (PROMOTION_FOUR_EYES): a second admin must approve, and no other admin is configured");
  }
  if (account.phase === "micro") {
    if (account.mode !== "live") return refused(`${account.name} is a shadow account: its record stops at live-prep, where it opened the live account; promote the live account instead`);
    const gate = await live.trackingGate(account.id);
    if (!gate.passed) return refused(`the tracking-error gate has not passed: ${gate.failures.join("; ") || "no reason given"}`);
    return { ...base, live: null, evidence: { trackingGate: gate } };
  }
  if (account.phase !== "live-prep") return refused(`no promotion toward real money from ${account.phase}`);
  const existing = await live.store.liveAccount("kis");
  if (existing && existing.phase !== "live-prep") return refused(`the live account ${existing.name} is already in ${existing.phase}: promote that account instead`);
  const gathered = await gatherChecklist(live, account.id);
  if (!gathered) return refused(`account ${account.id} does not exist`);
  const { checklist } = gathered;
  const evidence = { checklist: checklist.items.map((i) => ({ item: i.item, passed: i.passed, evidence: i.evidence })) };
  if (!checklist.passed) return refused("the live-prep checklist is not complete", missingItems(checklist));
  if (existing) return { ...base, live: { kind: "link", accountId: existing.id, name: existing.name }, evidence };
  if (!live.settings.brokerAccount) return refused("KIS is not configured in this process (KIS_ACCOUNT_NO): the live account would name no broker account");
  // A passing reconciliation carries the cash it read (the checklist passed, so it is there).
  return { ...base, live: { kind: "open", name: live.settings.liveAccountName, cash: checklist.brokerCash!, brokerAccount: live.settings.brokerAccount }, evidence: { ...evidence, brokerCash: checklist.brokerCash!.toFixed() } };
}

export interface Decided {
  promotionId: string | null;
  requestedBy: string;
  decidedBy: string;
}

/** Carries the plan out: opens or links the live account, or moves the live account's phase, marking the request approved in the same transaction. */
export async function executeRealMoneyPromotion(
  live: GoingLiveDeps,
  accounts: Pick<AccountStore, "changePhase">,
  plan: RealMoneyPlan,
  who: Decided,
): Promise<Promoted | Refused | { outcome: "not_pending" }> {
  const at = live.clock.now();
  if (!plan.live) {
    const change = { accountId: plan.accountId, from: plan.from, to: plan.to, at, actor: who.decidedBy, action: "account.promoted" as const, details: { ...plan.evidence, requestedBy: who.requestedBy } };
    if (who.promotionId) {
      const r = await live.store.approvePhaseChange(who.promotionId, who.decidedBy, change);
      if (r.outcome === "not_pending") return r;
      if (r.outcome === "phase_changed") return refused("the account's phase changed meanwhile: look again and retry");
      await tell(live, plan, `${plan.accountName} promoted: ${plan.from} → ${plan.to}`, [`approved by ${who.decidedBy}, requested by ${who.requestedBy}`, `${plan.to}'s limits bind it from now; the phase starts from $${formatMoney(r.phaseStartEquity)}`]);
      return { outcome: "promoted", from: plan.from, to: plan.to, phaseStartEquity: r.phaseStartEquity };
    }
    const changed = await accounts.changePhase(change);
    if (!changed) return refused("the account's phase changed meanwhile: look again and retry");
    await tell(live, plan, `${plan.accountName} promoted: ${plan.from} → ${plan.to}`, [`by ${who.decidedBy} (PROMOTION_FOUR_EYES is off)`]);
    return { outcome: "promoted", from: plan.from, to: plan.to, phaseStartEquity: changed.phaseStartEquity };
  }
  const name = plan.live.name;
  const r = await live.store.openOrLinkLiveAccount({
    promotionId: who.promotionId,
    fromAccountId: plan.accountId,
    requestedBy: who.requestedBy,
    decidedBy: who.decidedBy,
    at,
    broker: "kis",
    name,
    cash: plan.live.kind === "open" ? plan.live.cash : null,
    brokerAccount: plan.live.kind === "open" ? plan.live.brokerAccount : null,
    haltReason: "new live account: arm it with /resume",
    evidence: plan.evidence,
  });
  if (r.outcome === "not_pending") return r;
  if (r.outcome === "refused") return refused(r.reason);
  const approval = who.promotionId ? `approved by ${who.decidedBy}, requested by ${who.requestedBy}` : `by ${who.decidedBy} (PROMOTION_FOUR_EYES is off)`;
  const arm = r.state === "HALTED" ? `It is HALTED: arm it with /resume @${r.name}` : `Its kill switch is ${r.state}`;
  if (r.outcome === "opened") {
    const brokerAccount = plan.live.kind === "open" ? plan.live.brokerAccount : "";
    await tell(live, { ...plan, accountId: r.accountId, accountName: r.name }, `Live account ${r.name} opened (micro)`, [
      `from ${plan.accountName}'s live-prep record, ${approval}`,
      `KIS account ${brokerAccount}; cash $${formatMoney(r.cash)} (the broker's USD cash)`,
      `${arm}. ${plan.accountName} stays in live-prep and keeps paper trading.`,
    ]);
    return { outcome: "promoted", from: "live-prep", to: "micro", phaseStartEquity: r.cash, live: { kind: "opened", accountId: r.accountId, name: r.name, cash: r.cash, state: r.state } };
  }
  await tell(live, { ...plan, accountId: r.accountId, accountName: r.name }, `Live account ${r.name} moved to micro`, [approval, `${arm}.`]);
  return { outcome: "promoted", from: "live-prep", to: "micro", phaseStartEquity: r.phaseStartEquity, live: { kind: "linked", accountId: r.accountId, name: r.name, cash: r.phaseStartEquity, state: r.state } };
}

/** With four eyes: a pending request the other admins are told of. */
export async function requestRealMoneyPromotion(live: GoingLiveDeps, plan: RealMoneyPlan, actor: string): Promise<RealMoneyResult> {
  const now = live.clock.now();
  const expiresAt = new Date(now.getTime() + live.settings.expiryMinutes * 60_000);
  const r = await live.store.requestPromotion({ accountId: plan.accountId, from: plan.from, to: plan.to, requestedBy: actor, requestedAt: now, expiresAt, evidence: plan.evidence });
  if ("pending" in r) return refused(`a promotion of ${plan.accountName} (${r.pending.from} → ${r.pending.to}) requested by ${r.pending.requestedBy} is already waiting for a second admin until ${r.pending.expiresAt.toISOString()}`);
  const what = plan.live?.kind === "open" ? `opens live account ${plan.live.name} with $${formatMoney(plan.live.cash)}` : plan.live ? `moves live account ${plan.live.name} to micro` : `${plan.to}'s limits on real money`;
  await tell(live, plan, `Promotion requested: ${plan.accountName} ${plan.from} → ${plan.to}`, [`by ${actor}; ${what}`, `another admin must approve or deny within ${live.settings.expiryMinutes} minutes`]);
  return { outcome: "requested", promotion: r.created };
}

export async function tell(live: Pick<GoingLiveDeps, "notifier" | "clock">, about: { accountId: string; accountName: string }, title: string, lines: string[]): Promise<void> {
  await live.notifier.notify({ kind: "promotion", accountId: about.accountId, accountName: about.accountName, title, lines, at: live.clock.now() });
}
