import type { OrderOutcome } from "../../../app/orders/execute-order.js";
import type { Proposal } from "../../../app/ports/proposal-store.js";
import type { Dec } from "../../../domain/decimal.js";
import { formatMoney } from "../../../domain/format.js";
import { cleanText } from "../../../domain/text.js";
import type { AccountMode } from "../../../domain/vocabulary.js";
import { accountLabel, accountTag } from "./account.js";
import { bold, code, esc, italic } from "./html.js";
import { etTime } from "./time.js";

/** "$1,234.50", "-$1.00": the sign before the currency, as people write it. */
export function money(d: Dec): string {
  const text = formatMoney(d);
  return text.startsWith("-") ? `-$${text.slice(1)}` : `$${text}`;
}

/** "BUY 10 NKE · limit 101.50 · stop 95.00" (or "· market"). */
function orderTerms(o: { side: string; quantity: number; ticker: string; limitPrice: Dec | null; stopPrice: Dec | null }): string {
  const price = o.limitPrice ? `limit ${o.limitPrice.toFixed(2)}` : "market";
  return `${o.side} ${o.quantity} ${o.ticker} · ${price}${o.stopPrice ? ` · stop ${o.stopPrice.toFixed(2)}` : ""}`;
}

/**
 * What happened to an order, in one block of HTML; with `account`, headed by the account it
 * concerns ("🔴 LIVE · live"). An order that was never valid concerns no account: no header.
 */
export function renderOrderOutcome(outcome: OrderOutcome, account?: { name: string; mode: AccountMode }): string {
  const body = outcomeBody(outcome);
  return account && outcome.status !== "invalid" ? `${accountHeader(account)}\n${body}` : body;
}

/** The first line of every message about one account: bold, and unmistakable for real money. */
export function accountHeader(account: { name: string; mode: AccountMode }): string {
  return account.mode === "live" ? `${bold(accountLabel(account))} — real money` : accountTag(account);
}

function outcomeBody(outcome: OrderOutcome): string {
  switch (outcome.status) {
    case "invalid":
      // The errors quote what the operator typed: cleaned again here (no half characters, nothing over a line).
      return `❌ ${bold("Order not accepted")}\n${outcome.errors.map((e) => `• ${esc(cleanText(e, { maxChars: 200 }))}`).join("\n")}`;
    case "refused":
      return `🛑 ${bold("Refused by the pre-trade checks")}\n${outcome.refusals.map((r) => `• ${esc(r.message)} ${code(r.code)}`).join("\n")}`;
    case "would_pass":
      return "✅ Passes every pre-trade check.";
    case "duplicate":
      return `ℹ️ Already received: order ${code(outcome.orderId.slice(0, 8))}. Nothing new was sent.`;
    case "filled":
    case "partially_filled": {
      const lines = outcome.fills.map((f) => `${esc(f.side)} ${f.quantity} ${esc(f.ticker)} @ ${f.price.toFixed(2)} (commission ${money(f.commission)})`);
      const last = outcome.fills.at(-1);
      const after = last ? `\nposition ${last.positionAfter.quantity} ${esc(last.ticker)} · cash ${money(last.cashAfter)}` : "";
      return `✅ ${bold(outcome.status === "filled" ? "Filled" : "Partially filled")}: ${lines.join("; ")}${after}`;
    }
    case "resting":
      return `📝 ${bold("Limit order working")}: order ${code(outcome.orderId.slice(0, 8))} fills when the price reaches the limit.`;
    case "rejected":
      return `❌ ${bold("Rejected by the broker")}: ${esc(outcome.reason)}`;
    case "unknown":
      return `⚠️ ${bold("Broker answer unclear")}: the order is being reconciled, not resent. ${esc(outcome.detail)}`;
  }
}

const STATUS_LINE: Record<Proposal["status"], string> = {
  pending: "⏳ waiting for a trader",
  approved: "✅ approved, executing",
  executed: "✅ approved and executed",
  failed: "❌ approved, but the order failed",
  rejected_by_risk: "🛑 approved, but refused by the pre-trade checks",
  denied: "❌ denied",
  expired: "⌛ expired without a decision",
  cancelled: "🚫 cancelled",
};

/** A proposal's message: terms, who asked, why, and where it stands. */
export function renderProposal(p: Proposal, detail?: string): string {
  const lines = [
    accountHeader({ name: p.accountName, mode: p.accountMode }),
    `${p.status === "pending" ? "🟡" : "▪️"} ${bold("Proposal")} ${esc(orderTerms(p))}`,
    `from ${esc(p.requestedBy)} (${esc(p.source)}) · ${p.status === "pending" ? `expires ${etTime(p.expiresAt)}` : `created ${etTime(p.createdAt)}`} · ${code(p.id.slice(0, 8))}`,
  ];
  // The one live order that is not pressed for: say so on the press that covers it.
  if (p.accountMode === "live" && p.side === "BUY") lines.push(`🛡️ Approving also arms its stop-loss (${p.stopPrice ? `at ${p.stopPrice.toFixed(2)}` : "the default distance under the fill"}): that exit sells without asking.`);
  if (p.rationale) lines.push(italic(p.rationale.slice(0, 1500)));
  const decided = p.decidedBy ? ` by ${esc(p.decidedBy)}` : "";
  lines.push(`${STATUS_LINE[p.status]}${p.status === "pending" || p.status === "expired" ? "" : decided}`);
  if (p.decisionReason) lines.push(esc(p.decisionReason));
  if (detail) lines.push(detail);
  return lines.join("\n");
}
