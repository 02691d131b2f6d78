import type { Proposal } from "../ports/proposal-store.js";
import type { ApprovalDeps } from "./request-order.js";

/** Pending proposals past their expiry become `expired` (the approval-expiry job); returns them for the message edits. */
export function expireProposals(deps: Pick<ApprovalDeps, "proposals" | "execution">): Promise<Proposal[]> {
  return deps.proposals.expire(deps.execution.killSwitch.clock.now());
}
