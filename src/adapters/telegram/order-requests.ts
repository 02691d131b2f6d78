import { requestOrder, type RequestOutcome } from "../../app/approvals/request-order.js";
import type { AccountMode, OrderSource } from "../../domain/vocabulary.js";
import type { BotDeps } from "./context.js";
import { esc } from "./render/html.js";
import { renderOrderOutcome } from "./render/order.js";

export interface OperatorOrder {
  side: string;
  ticker: string;
  quantity: string;
  limitPrice: string | null;
  stopPrice: string | null;
  actor: string;
  /** Stable per Telegram message, so a re-delivered command cannot make a second order. */
  idempotencyKey: string;
  rationale?: string;
  source?: OrderSource;
}

/**
 * Sends an operator's order for one account (chosen by the caller: see account-choice.ts) down
 * the one order path. A proposal is posted to the traders (the requester among them) by the
 * board; anything else comes back as HTML to reply with, naming the account.
 */
export async function placeOperatorOrder(
  deps: BotDeps,
  order: OperatorOrder,
  account: { id: string; name: string; mode: AccountMode },
): Promise<{ reply: string | null; outcome: RequestOutcome | null }> {
  const outcome = await requestOrder(deps.approvals, {
    accountId: account.id,
    idempotencyKey: order.idempotencyKey,
    source: order.source ?? "operator",
    side: order.side,
    ticker: order.ticker,
    quantity: order.quantity,
    limitPrice: order.limitPrice,
    stopPrice: order.stopPrice,
    requestedBy: order.actor,
    ...(order.rationale ? { rationale: order.rationale } : {}),
  });
  await deps.audit.record({
    actor: order.actor,
    action: "tg.order.requested",
    accountId: account.id,
    subject: order.ticker.slice(0, 16),
    details: { side: order.side.slice(0, 8), quantity: order.quantity.slice(0, 24), limit: order.limitPrice?.slice(0, 24) ?? null, stop: order.stopPrice?.slice(0, 24) ?? null, outcome: outcome.status },
  });
  if (outcome.status === "unknown_account") return { reply: `❌ The account ${esc(account.name)} no longer exists.`, outcome };
  if (outcome.status === "pending_approval") {
    if (outcome.created) {
      await deps.board.post(outcome.proposal);
      return { reply: null, outcome };
    }
    return { reply: `ℹ️ Already proposed: ${esc(outcome.proposal.id.slice(0, 8))} is ${esc(outcome.proposal.status)}.`, outcome };
  }
  return { reply: renderOrderOutcome(outcome, account), outcome };
}
