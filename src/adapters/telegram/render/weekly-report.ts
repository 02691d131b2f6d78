import type { AccountWeek, WeeklyReport } from "../../../app/reports/weekly-report.js";
import { bold, code, esc } from "./html.js";
import { renderTrackingSection } from "./compare.js";
import { renderTrades } from "./daily-report.js";
import { renderMetrics } from "./monitor.js";
import { money } from "./order.js";
import { hitRate } from "./warroom.js";
import { etDateTime } from "./time.js";

/** The weekly review: per account the week's trades and P&L, metrics for the week and since inception; then what the hard rules did. */
export function renderWeeklyReport(report: WeeklyReport): string {
  const sections = [`🗓️ ${bold(`Weekly review — ${report.firstDay} to ${report.lastDay}`)}`];
  if (report.accounts.length === 0) sections.push("No account yet.");
  for (const a of report.accounts) sections.push(renderAccountWeek(a));
  sections.push(renderRules(report));
  if (report.tracking) sections.push(renderTrackingSection(report.tracking));
  if (report.agents) sections.push(renderAgents(report.agents));
  return sections.join("\n\n");
}

function renderAccountWeek(a: AccountWeek): string {
  const change = a.equityBefore && a.equityAfter ? `${money(a.equityBefore)} → ${money(a.equityAfter)} (${money(a.equityAfter.minus(a.equityBefore))})` : "n/a (no end-of-day marks this week)";
  return [
    bold(a.accountName),
    `equity ${change}`,
    `realised P&amp;L ${money(a.realizedPnl)} from ${a.trades.length} fill(s)`,
    renderTrades(a.trades, "Trades this week"),
    bold("Metrics this week"),
    ...renderMetrics(a.week),
    bold("Metrics since inception"),
    ...renderMetrics(a.sinceInception),
  ].join("\n");
}

function renderAgents(agents: NonNullable<WeeklyReport["agents"]>): string {
  const lines = [bold("War Room agents (scored votes: this week · all time)")];
  const week = new Map(agents.week.map((a) => [a.agent, a]));
  if (agents.allTime.length === 0) lines.push("no vote has been scored yet");
  for (const a of agents.allTime) {
    const w = week.get(a.agent);
    lines.push(`• ${code(a.agent)} ${(w && hitRate(w)) ?? "none"} · ${hitRate(a) ?? "none"}`);
  }
  return lines.join("\n");
}

function renderRules(report: WeeklyReport): string {
  const lines = [bold("Hard rules this week")];
  if (report.refusals.length === 0) lines.push("no order was refused");
  else for (const r of report.refusals) lines.push(`• ${code(r.code)} refused ${r.orders} order(s)`);
  lines.push(bold(`Halts: ${report.halts.length}`));
  for (const h of report.halts) lines.push(`• ${esc(etDateTime(h.at))} ${esc(h.accountName)} ${code(h.trigger ?? "manual")} by ${esc(h.actor)}: ${esc(h.reason)}`);
  return lines.join("\n");
}
