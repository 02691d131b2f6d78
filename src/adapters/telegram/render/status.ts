import type { AccountStatusView } from "../../../app/views/status-view.js";
import { bold, code, esc, italic } from "./html.js";
import { renderReading } from "./readings.js";
import { etDateTime, etTime } from "./time.js";

const STATE_ICON = { ACTIVE: "🟢", HALTED: "🚨", UNKNOWN: "❓" } as const;

/** /status: per account, the kill switch first (the one thing that must be clear at a glance). */
export function renderStatus(accounts: readonly AccountStatusView[]): string {
  if (accounts.length === 0) return "No account yet.";
  return accounts.map(renderAccount).join("\n\n");
}

function renderAccount(a: AccountStatusView): string {
  const ks = a.killSwitch;
  const lines = [
    `${STATE_ICON[ks.state]} ${bold(a.name)} — ${bold(ks.state)}${ks.since ? ` since ${esc(etDateTime(ks.since))}` : ""}`,
    `${esc(a.mode)} · ${esc(a.broker)} · phase ${esc(a.phase)} · ${a.canTrade ? "can trade" : bold("cannot trade")}`,
  ];
  if (ks.state !== "ACTIVE") lines.push(`why: ${esc(ks.reason)}${ks.trigger ? ` (${code(ks.trigger)})` : ""}${ks.actor ? ` · by ${esc(ks.actor)}` : ""}`);
  if (ks.resumeLockedUntil) lines.push(`🔒 resume locked until ${esc(etDateTime(ks.resumeLockedUntil))}`);
  lines.push("", `${bold("Triggers")}${a.readingsStale ? ` <i>(last stored${a.readingsAt ? `, ${esc(etTime(a.readingsAt))}` : ""}${a.readingsProblem ? `: ${esc(a.readingsProblem)}` : ""})</i>` : ""}`);
  if (a.readings.length === 0) lines.push("no readings yet");
  for (const r of a.readings) lines.push(`${renderReading(r)}${r.suppressed ? ` ${italic("(acknowledged, suppressed)")}` : ""}`);
  lines.push("", `${bold("Positions")}: ${a.openPositions.count}${a.openPositions.count ? ` (${esc(a.openPositions.tickers.join(", "))})` : ""}`);
  lines.push(`${bold("Pending approvals")}: ${a.pendingApprovals.count}`);
  for (const p of a.pendingApprovals.proposals.slice(0, 10)) {
    lines.push(`• ${esc(p.side)} ${p.quantity} ${esc(p.ticker)} by ${esc(p.requestedBy)} · expires ${esc(etTime(p.expiresAt))} ${code(p.id.slice(0, 8))}`);
  }
  return lines.join("\n");
}
