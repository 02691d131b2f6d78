import type { MirrorLegResult, MirrorResult } from "../../../app/orders/mirror-decision.js";
import type { AgentAccuracy } from "../../../app/ports/warroom-store.js";
import type { WarRoomResult } from "../../../app/warroom/session.js";
import { accountTag } from "./account.js";
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
  // A HOLD says why (the chair's last line: below the threshold, vetoed, nothing held, no share fits).
  const why = d.decision === "HOLD" ? d.summary.replace(/^HOLD — /, "") : "";
  if (why) lines.push(italic(why.slice(0, 400)));
  lines.push(...renderMirror(result.mirror, d.quantity));
  return lines.join("\n");
}

/** Each account's side of the decision: proposed (each approved on its own message), run, refused and why. */
export function renderMirror(mirror: MirrorResult | null, decided: number | null): string[] {
  if (!mirror) return ["No order: the room holds."];
  if (mirror.legs.length === 0 && mirror.skipped.length === 0) return ["No account trades: nothing was proposed."];
  const lines = [bold(`Mirrored to ${mirror.legs.length} account(s)`)];
  for (const leg of mirror.legs) lines.push(renderLeg(leg, decided));
  for (const s of mirror.skipped) lines.push(`⏸️ ${esc(s.accountName)}: phase ${esc(s.phase)} places no orders`);
  return lines;
}

function renderLeg(leg: MirrorLegResult, decided: number | null): string {
  const who = accountTag({ name: leg.accountName, mode: leg.mode });
  const earlier = leg.recorded ? "" : " (recorded earlier)";
  const note = leg.reason ? ` — ${esc(leg.reason)}` : "";
  const size = leg.quantity !== null && leg.quantity !== decided ? ` ${leg.quantity} share(s)` : "";
  switch (leg.outcome) {
    case "proposed":
      return `📨 ${who}:${size} proposed to the traders, approve it on its own message${leg.proposalId ? ` (${code(leg.proposalId.slice(0, 8))})` : ""}${earlier}${note}`;
    case "executed": {
      const run = leg.request && leg.request.status !== "pending_approval" && leg.request.status !== "unknown_account" ? `\n${renderOrderOutcome(leg.request)}` : "";
      return `✅ ${who}:${size} ran without approval${leg.orderId ? ` (${code(leg.orderId.slice(0, 8))})` : ""}${earlier}${run}`;
    }
    case "refused":
      return `🛑 ${who}: refused${earlier}${note}`;
    case "not_sized":
      return `▫️ ${who}: not sized${earlier}${note}`;
    case "failed":
      return `❌ ${who}: failed${earlier}${note}`;
  }
}
