import { Composer } from "grammy";
import { decideProposal, type DecisionOutcome } from "../../../app/approvals/decide-proposal.js";
import { actorOf, type BotContext, type BotDeps } from "../context.js";
import { PROPOSAL_CALLBACK, proposalKeyboard } from "../keyboards.js";
import { bold } from "../render/html.js";
import { renderOrderOutcome, renderProposal } from "../render/order.js";

/**
 * /approvals lists what waits, each with its buttons; a press on Approve or Deny decides. The
 * first decision wins (a conditional update in PostgreSQL); every other press — repeated,
 * stale, expired, unauthorised, the requester's own under four-eyes — is answered with the
 * reason and changes nothing.
 */
export function approvalsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command("approvals", async (ctx) => {
    const pending = await deps.approvals.proposals.pending();
    if (pending.length === 0) {
      await ctx.reply("No proposal is waiting for approval.");
      return;
    }
    await ctx.reply(`${bold(`${pending.length} proposal(s) waiting`)}`, { parse_mode: "HTML" });
    const mayDecide = ctx.operator.role !== "viewer";
    for (const p of pending.slice(0, 20)) {
      await ctx.reply(renderProposal(p), { parse_mode: "HTML", ...(mayDecide ? { reply_markup: proposalKeyboard(p.id) } : {}) });
    }
  });

  composer.callbackQuery(PROPOSAL_CALLBACK, async (ctx) => {
    const [, proposalId, letter] = PROPOSAL_CALLBACK.exec(ctx.callbackQuery.data)!;
    const decision = letter === "a" ? "approve" : "deny";
    const actor = actorOf(ctx);
    const outcome = await decideProposal(deps.approvals, { proposalId: proposalId!, decision, actor, role: ctx.operator.role });
    await deps.audit.record({ actor, action: `tg.proposal.${decision}`, subject: proposalId!, details: { outcome: outcome.status, ...(outcome.status === "refused" ? { refusal: outcome.refusal.code } : {}) } });
    await ctx.answerCallbackQuery({ text: answerText(outcome), show_alert: outcome.status === "refused" || outcome.status === "unknown_proposal" });
    if (outcome.status === "unknown_proposal") return;
    // A refused press on a proposal the system settled (expired, cancelled by a halt) means this
    // copy is stale: show the outcome. A trader's decision is shown by the press that made it,
    // with the order's outcome; a later press must not redo those edits without it (or, while
    // the order is still executing, over them).
    if (outcome.status === "refused" && outcome.proposal.status !== "expired" && outcome.proposal.status !== "cancelled") return;
    await deps.board.settle(outcome.proposal, outcome.status === "approved" ? renderOrderOutcome(outcome.order) : undefined);
  });

  return composer;
}

function answerText(outcome: DecisionOutcome): string {
  switch (outcome.status) {
    case "unknown_proposal":
      return "This proposal does not exist (any more).";
    case "refused":
      return `Nothing changed: ${outcome.refusal.message}.`;
    case "denied":
      return "Denied.";
    case "approved": {
      const order = outcome.order;
      if (order.status === "filled" || order.status === "partially_filled") {
        const f = order.fills.at(-1)!;
        return `Approved: ${order.status === "filled" ? "filled" : "partially filled"} ${f.side} ${f.quantity} ${f.ticker} @ ${f.price.toFixed(2)}.`;
      }
      if (order.status === "refused") return `Approved, but refused by the pre-trade checks: ${order.refusals.map((r) => r.message).join("; ")}`.slice(0, 190);
      return `Approved: ${order.status}.`;
    }
  }
}
