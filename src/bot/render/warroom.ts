import type { RequestOutcome } from "../../app/approvals/request-order.js";
import type { AgentAccuracy } from "../../app/ports/warroom-store.js";
import type { WarRoomResult } from "../../app/warroom/session.js";
import { bold, code, esc, italic } from "./html.js";
import { renderOrderOutcome } from "./order.js";

const VOTE_ICON: Record<string, string> = { BUY: "🟢", SELL: "🔴", HOLD: "⚪", ABSTAIN: "·" };

/** "75% of 40": an agent's scored record; null before any vote was scored. */
export function hitRate(a: { scored: number; correct: number }): string | null {
  return a.scored > 0 ? `${Math.round((a.correct / a.scored) * 100)}% of ${a.scored}` : null;
}

/** /warroom: each agent's vote with its reasons and track record, then the chair's decision. */
export function renderWarRoom(result: WarRoomResult, accuracy: readonly AgentAccuracy[]): string {
  const d = result.decision;
  const record = new Map(accuracy.map((a) => [a.agent, a]));
  const lines = [`🏛️ ${bold(`War Room: ${result.ticker}`)} · ${Math.round(result.durationMs)} ms · ${code(result.sessionId.slice(0, 8))}`];
  for (const v of d.votes) {
    const a = record.get(v.agent);
    const rate = a ? hitRate(a) : null;
    const track = rate ? ` · ${rate} right` : "";
    lines.push(`${VOTE_ICON[v.vote] ?? ""} ${bold(v.agent)} ${esc(v.vote)} ${v.confidence.toFixed(2)} (weight ${v.weight.toFixed(2)}${track})${v.veto ? " ⛔ veto" : ""}`, `   ${italic(v.rationale.slice(0, 300))}`);
  }
  const size = d.quantity ? ` ${d.quantity} shares${d.stopPrice ? `, stop ${d.stopPrice.toFixed(2)}` : ""}` : "";
  lines.push("", `${bold(`Decision: ${d.decision}`)}${size} · confidence ${d.confidence.toFixed(2)} · score ${d.score.toFixed(2)}${d.vetoed ? " · vetoed" : ""}`);
  lines.push(renderOrder(result.order));
  return lines.join("\n");
}

function renderOrder(order: RequestOutcome | null): string {
  if (!order) return "No order: the room holds.";
  if (order.status === "unknown_account") return "❌ The account no longer exists.";
  if (order.status === "pending_approval") return `📨 Proposed to the traders for approval (${code(order.proposal.id.slice(0, 8))}).`;
  return renderOrderOutcome(order);
}
