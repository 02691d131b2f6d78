import { requiresApproval, type ApprovalPolicy } from "../../domain/approvals.js";
import { validateOrderRequest, type OrderRequest } from "../../domain/orders/order-request.js";
import { cleanText, cutText } from "../../domain/text.js";
import type { AccountMode } from "../../domain/vocabulary.js";
import { executeOrder, type ExecutionDeps, type OrderOutcome } from "../orders/execute-order.js";
import type { Proposal, ProposalStore } from "../ports/proposal-store.js";

/** A proposal's rationale is shown in Telegram: 2,000 characters keep it well inside one message. */
const MAX_RATIONALE_CHARS = 2000;

export interface ApprovalDeps {
  execution: ExecutionDeps;
  proposals: ProposalStore;
  policy: ApprovalPolicy;
  expiryMinutes: number;
  /** The account's mode decides the policy (live accounts always ask). */
  accountMode(accountId: string): Promise<AccountMode | undefined>;
}

export type RequestOutcome =
  | OrderOutcome
  | { status: "unknown_account" }
  | { status: "pending_approval"; proposal: Proposal; created: boolean };

/**
 * Where every transport sends an order (Telegram, War Room, REST): it runs now when the policy
 * lets it, or becomes a proposal that waits for a trader. A proposal is only made for an order
 * that passes the pre-trade checks today; they run again when it is approved.
 */
export async function requestOrder(deps: ApprovalDeps, request: OrderRequest & { rationale?: string }): Promise<RequestOutcome> {
  const mode = await deps.accountMode(request.accountId);
  if (!mode) return { status: "unknown_account" };
  if (!requiresApproval(mode, request.source, deps.policy)) return executeOrder(deps.execution, request);

  const validation = validateOrderRequest(request);
  if (!validation.ok) return { status: "invalid", errors: validation.errors };
  const dryRun = await executeOrder(deps.execution, { ...request, idempotencyKey: `check-${request.idempotencyKey}` }, { checkOnly: true });
  if (dryRun.status !== "would_pass") return dryRun;
  const order = validation.order;
  const now = deps.execution.killSwitch.clock.now();
  const { proposal, created } = await deps.proposals.create({
    ...order,
    // Written by an agent or a model: text from outside.
    rationale: cutText(cleanText(request.rationale ?? "", { keepNewlines: true }), MAX_RATIONALE_CHARS),
    expiresAt: new Date(now.getTime() + deps.expiryMinutes * 60_000),
  });
  return { status: "pending_approval", proposal, created };
}
