import type { Promotion } from "../ports/live-prep-store.js";
import type { PhaseDeps } from "./change-phase.js";
import { executeRealMoneyPromotion, planRealMoneyPromotion, tell, type Promoted } from "./promotion.js";

export type DecisionRefusalCode = "not_wired" | "not_admin" | "unknown" | "already_decided" | "expired" | "own_request" | "not_ready";

export type PromotionDecision =
  | { outcome: "approved"; promotion: Promotion; result: Promoted }
  | { outcome: "denied"; promotion: Promotion }
  | { outcome: "refused"; code: DecisionRefusalCode; reason: string; missing?: string[]; promotion?: Promotion };

export interface PromotionDecisionRequest {
  promotionId: string;
  /** "tg:123". */
  actor: string;
  actorIsAdmin: boolean;
  decision: "approve" | "deny";
}

const refused = (code: DecisionRefusalCode, reason: string, promotion?: Promotion, missing?: string[]): PromotionDecision => ({
  outcome: "refused",
  code,
  reason,
  ...(promotion ? { promotion } : {}),
  ...(missing ? { missing } : {}),
});

function alreadyDecided(p: Promotion): PromotionDecision {
  return refused(p.status === "expired" ? "expired" : "already_decided", `already ${p.status}${p.decidedBy ? ` by ${p.decidedBy}` : ""}`, p);
}

/**
 * The second admin's press on a promotion request. The first decision wins (a conditional update
 * on status 'pending'); the requester's own press, a press after expiry, a second press, all get
 * a reason and change nothing. Approval re-checks the evidence (the checklist or the tracking
 * gate) as it is now: a request whose evidence has gone stale stays pending, saying what is missing.
 */
export async function decidePromotion(deps: PhaseDeps, request: PromotionDecisionRequest): Promise<PromotionDecision> {
  const live = deps.live;
  if (!live) return refused("not_wired", "promotions toward real money are not configured in this process");
  if (!request.actorIsAdmin) return refused("not_admin", "only an admin may approve or deny a promotion");
  const p = await live.store.promotion(request.promotionId);
  if (!p) return refused("unknown", "this promotion request does not exist");
  if (p.status !== "pending") return alreadyDecided(p);
  const about = { accountId: p.accountId, accountName: p.accountName };
  const what = `${p.accountName} ${p.from} → ${p.to}`;
  if (live.clock.now().getTime() >= p.expiresAt.getTime()) {
    const expired = await live.store.settlePromotion(p.id, { status: "expired", by: null, at: live.clock.now(), reason: "no second admin decided in time" });
    if (!expired) return alreadyDecided((await live.store.promotion(p.id)) ?? p);
    await tell(live, about, `Promotion expired: ${what}`, [`requested by ${p.requestedBy}; nobody decided in time. Ask again with /phase promote.`]);
    return refused("expired", "this request has expired: ask again with /phase promote", expired);
  }
  if (p.requestedBy === request.actor) return refused("own_request", "four eyes: another admin must decide the promotion you requested", p);

  if (request.decision === "deny") {
    const denied = await live.store.settlePromotion(p.id, { status: "denied", by: request.actor, at: live.clock.now(), reason: "denied by an admin" });
    if (!denied) return alreadyDecided((await live.store.promotion(p.id)) ?? p);
    await tell(live, about, `Promotion denied: ${what}`, [`denied by ${request.actor}, requested by ${p.requestedBy}`]);
    return { outcome: "denied", promotion: denied };
  }

  const account = await deps.accounts.phaseOf(p.accountId);
  if (!account) return refused("not_ready", "the account no longer exists", p);
  if (account.phase !== p.from) return refused("not_ready", `${p.accountName} is no longer in ${p.from} (now ${account.phase}): deny this request`, p);
  // Evidence may have expired since the request (a broker check counts 24 h): look again.
  const plan = await planRealMoneyPromotion(live, { id: p.accountId, name: p.accountName, mode: account.mode, phase: account.phase }, p.to, null);
  const notReady = async (reason: string, missing?: string[]): Promise<PromotionDecision> => {
    await tell(live, about, `Promotion not approved yet: ${what}`, [`${request.actor} pressed Approve, but ${reason}`, ...(missing ?? []), "The request stays pending until it expires."]);
    return refused("not_ready", `${reason}; the request stays pending`, p, missing);
  };
  if ("outcome" in plan) return notReady(plan.reason, plan.missing);
  const result = await executeRealMoneyPromotion(live, deps.accounts, plan, { promotionId: p.id, requestedBy: p.requestedBy, decidedBy: request.actor });
  if (result.outcome === "not_pending") {
    const now = await live.store.promotion(p.id);
    if (now?.status === "pending") return decidePromotion(deps, request); // it expired between the two reads: settle it as such
    return alreadyDecided(now ?? p);
  }
  if (result.outcome === "refused") return notReady(result.reason, result.missing);
  return { outcome: "approved", promotion: (await live.store.promotion(p.id)) ?? p, result };
}
