import type { MonitorView, PhaseView } from "../../../app/views/monitor-view.js";
import type { Dec } from "../../../domain/decimal.js";
import { formatPercent } from "../../../domain/format.js";
import type { Metrics } from "../../../domain/metrics.js";
import { PROMOTION_TARGETS } from "../../../domain/phase-gate.js";
import { bold, code, esc } from "./html.js";
import { money } from "./order.js";
import { etDateTime } from "./time.js";

const signed = (d: Dec): string => (d.gt(0) ? `+${money(d)}` : money(d));
/** Percent values in the views are already percents (12.5 = 12.5%). */
const pct = (d: Dec | null): string => (d === null ? "n/a" : `${d.gt(0) ? "+" : ""}${d.toFixed(2)}%`);
const fraction = (d: Dec | null): string => (d === null ? "n/a" : formatPercent(d));
const STOP_ICON = { Safe: "🟢", Near: "🟠", Hit: "🔴", None: "⚪" } as const;

/** /monitor: capital, positions with their stops, and the metrics of the record. */
export function renderMonitor(v: MonitorView): string {
  const c = v.capital;
  const lines = [
    `${bold(`${v.accountName} monitor`)} · ${esc(v.phase)} · ${esc(etDateTime(v.asOf))}${v.marketOpen ? "" : " · market closed"}`,
    "",
    bold("Capital"),
    `cash ${money(c.cash)} · positions ${money(c.positionsValue)} · equity ${bold(money(c.equity))}`,
    `day P&amp;L ${c.dayPnl === null ? "n/a (no start-of-day mark yet)" : `${signed(c.dayPnl)} (${pct(c.dayPnlPct)})`}`,
  ];
  if (c.unpricedPositions > 0) lines.push(`⚠️ ${c.unpricedPositions} position(s) have no price and count at cost`);
  lines.push("", bold(`Positions (${v.positions.length})`));
  if (v.positions.length === 0) lines.push("none");
  for (const p of v.positions) {
    const last = p.lastPrice ? p.lastPrice.toFixed(2) : "no price";
    const pnl = p.unrealizedPnl === null ? "n/a" : `${signed(p.unrealizedPnl)} (${pct(p.unrealizedPnlPct)})`;
    const stop = p.stopPrice ? `stop ${p.stopPrice.toFixed(2)} (${p.stopDistancePct === null ? "n/a" : `${p.stopDistancePct.toFixed(2)}%`} away) ${STOP_ICON[p.stopStatus ?? "None"]} ${p.stopStatus ?? ""}` : `no stop ${STOP_ICON.None}`;
    lines.push(`${code(p.ticker)} ${p.quantity} @ ${p.averagePrice.toFixed(2)} → ${last} · ${pnl}`, `   ${stop}`);
  }
  if (v.positions.length > 0) lines.push(`total unrealised ${signed(v.totals.unrealizedPnl)} (${pct(v.totals.unrealizedPnlPct)})`);
  lines.push("", bold("Metrics (since inception)"), ...renderMetrics(v.metrics));
  return lines.join("\n");
}

export function renderMetrics(m: Metrics): string[] {
  const pf = m.profitFactor === null ? "n/a" : m.profitFactor === "infinite" ? "∞" : m.profitFactor.toFixed(2);
  return [
    `closed trades ${m.tradeCount} · win rate ${fraction(m.winRate)} · profit factor ${pf}`,
    `expectancy ${m.expectancy ? signed(m.expectancy) : "n/a"} · avg win ${m.averageWin ? money(m.averageWin) : "n/a"} · avg loss ${m.averageLoss ? money(m.averageLoss) : "n/a"}`,
    `return ${fraction(m.totalReturn)} · max drawdown ${fraction(m.maxDrawdown)} · Sharpe ${m.sharpe ? m.sharpe.toFixed(2) : "n/a"}`,
  ];
}

/** /phase: where the account stands on the ladder and, in shadow, each promotion gate. */
export function renderPhase(p: PhaseView): string {
  const lines = [
    `${bold(`${p.accountName}: phase ${p.phase}`)} (${esc(p.mode)}) · day ${p.day}${p.gate ? `/${PROMOTION_TARGETS.minDays}` : ""}`,
    `started ${esc(etDateTime(p.startedAt))} with ${money(p.startEquity)} · now ${money(p.equity)} · ${signed(p.phasePnl)} (${pct(p.phasePnlPct)})`,
  ];
  if (p.lossLimit) lines.push(`phase loss limit ${money(p.lossLimit)}${p.lossLimitLeft ? ` · ${money(p.lossLimitLeft)} left` : ""}`);
  if (p.gate) {
    lines.push("", bold(`Promotion gate: ${p.gate.passed ? "PASSED ✅" : "not yet"}`));
    for (const g of p.gate.checks) lines.push(`${g.passed ? "✅" : "❌"} ${esc(g.label)}: ${esc(g.value)} (target ${esc(g.target)})`);
  }
  lines.push("", bold("Metrics (this phase)"), ...renderMetrics(p.metrics));
  return lines.join("\n");
}
