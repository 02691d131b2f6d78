import { refuseDecision, type DecisionRefusal } from "../../domain/approvals.js";
import type { Role } from "../../domain/vocabulary.js";
import { executeOrder, type OrderOutcome } from "../orders/execute-order.js";
import type { Proposal } from "../ports/proposal-store.js";
import type { ApprovalDeps } from "./request-order.js";

export interface Decision {
  proposalId: string;
  decision: "approve" | "deny";
  /** "tg:<user id>" or "api". */
  actor: string;
  role: Role;
}

export type DecisionOutcome =
  | { status: "unknown_proposal" }
  | { status: "refused"; refusal: DecisionRefusal; proposal: Proposal }
  | { status: "denied"; proposal: Proposal }
  | { status: "approved"; proposal: Proposal; order: OrderOutcome };

/**
 * A trader's press on Approve or Deny. The first decision wins through a conditional update on
 * `status = 'pending'`; any later, stale, expired or unauthorised press gets the reason and
 * changes nothing. An approval runs the order path and settles the proposal with its result.
 */
export async function decideProposal(deps: ApprovalDeps, decision: Decision): Promise<DecisionOutcome> {
  const now = deps.execution.killSwitch.clock.now();
  const before = await deps.proposals.get(decision.proposalId);
  if (!before) return { status: "unknown_proposal" };
  const early = refuseDecision(before, decision.actor, decision.role, now, deps.policy);
  if (early) return { status: "refused", refusal: early, proposal: before };

  const won = await deps.proposals.decide(decision.proposalId, decision.decision === "approve" ? "approved" : "denied", decision.actor, now, deps.policy.fourEyes);
  if (!won) {
    // Someone else decided (or it expired) between our read and our update: explain with fresh facts.
    const after = (await deps.proposals.get(decision.proposalId))!;
    const refusal = refuseDecision(after, decision.actor, decision.role, now, deps.policy) ?? { code: "already_decided" as const, message: "already decided" };
    return { status: "refused", refusal, proposal: after };
  }
  if (won.status === "denied") return { status: "denied", proposal: won };

  const order = await executeOrder(deps.execution, {
    accountId: won.accountId,
    idempotencyKey: `proposal-${won.id}`,
    source: won.source,
    side: won.side,
    ticker: won.ticker,
    quantity: won.quantity,
    limitPrice: won.limitPrice?.toFixed() ?? null,
    stopPrice: won.stopPrice?.toFixed() ?? null,
    requestedBy: won.requestedBy,
    proposalId: won.id,
  });
  const settled = settlement(order);
  await deps.proposals.settle(won.id, settled.to, settled.reason);
  return { status: "approved", proposal: { ...won, status: settled.to, decisionReason: settled.reason }, order };
}

function settlement(order: OrderOutcome): { to: "executed" | "failed" | "rejected_by_risk"; reason: string | null } {
  switch (order.status) {
    case "filled":
    case "partially_filled":
    case "resting":
    case "duplicate":
    case "would_pass":
      return { to: "executed", reason: null };
    case "refused":
      return { to: "rejected_by_risk", reason: order.refusals.map((r) => r.message).join("; ") };
    case "invalid":
      return { to: "failed", reason: order.errors.join("; ") };
    case "rejected":
      return { to: "failed", reason: order.reason };
    case "unknown":
      // The order reached the broker, whose answer was unclear: it is reconciled, not failed.
      return { to: "executed", reason: `broker answer unclear, reconciling: ${order.detail}` };
  }
}
