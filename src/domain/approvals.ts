import type { AccountMode, OrderSource, ProposalStatus, Role } from "./vocabulary.js";

export interface ApprovalPolicy {
  /** Shadow accounts: whether operator and War Room orders wait for a trader (default yes). */
  shadowRequiresApproval: boolean;
  /** The requester may not approve their own proposal. */
  fourEyes: boolean;
}

/**
 * Who must approve what. Live accounts always need a human, except a stop-loss exit: it only
 * reduces risk, a stop that waits for someone to wake up is not a stop, and the trader's press
 * on the live BUY (whose message says so) armed it. Replays never ask on paper; a replay order
 * on a live account would ask like any other.
 */
export function requiresApproval(accountMode: AccountMode, source: OrderSource, policy: ApprovalPolicy): boolean {
  if (source === "stop-loss") return false;
  if (accountMode === "live") return true;
  if (source === "replay") return false;
  return policy.shadowRequiresApproval;
}

export type DecisionRefusal =
  | { code: "not_a_trader"; message: string }
  | { code: "already_decided"; message: string }
  | { code: "expired"; message: string }
  | { code: "own_proposal"; message: string };

export interface ProposalFacts {
  status: ProposalStatus;
  requestedBy: string;
  expiresAt: Date;
  decidedBy: string | null;
}

/**
 * Why a decision cannot be taken, or null when it can. The store's conditional update is what
 * makes the first decision win; this only explains a press that lost, in words an operator reads.
 */
export function refuseDecision(facts: ProposalFacts, actor: string, role: Role, now: Date, policy: ApprovalPolicy): DecisionRefusal | null {
  if (role === "viewer") return { code: "not_a_trader", message: "only traders may approve or deny" };
  if (facts.status !== "pending") {
    return { code: "already_decided", message: `already ${facts.status.replaceAll("_", " ")}${facts.decidedBy ? ` by ${facts.decidedBy}` : ""}` };
  }
  if (now.getTime() >= facts.expiresAt.getTime()) return { code: "expired", message: "this proposal has expired" };
  if (policy.fourEyes && facts.requestedBy === actor) return { code: "own_proposal", message: "four-eyes rule: someone else must decide your proposal" };
  return null;
}
