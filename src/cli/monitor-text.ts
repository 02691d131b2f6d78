import { DateTime } from "luxon";
import type { MonitorPosition, MonitorView } from "../app/views/monitor-view.js";
import { Dec } from "../domain/decimal.js";
import { formatMoney, formatPercent } from "../domain/format.js";
import { NYSE_TIME_ZONE } from "../domain/market-calendar.js";
import type { Metrics } from "../domain/metrics.js";

/**
 * The daily monitor as plain text for a terminal: the same view the bot's /monitor shows, in
 * aligned columns, no colour and no emoji (it may be piped, mailed or pasted into a ticket).
 * Money to cents with thousands separators; percentages to 2 places; rounding half-even, as
 * everywhere in the desk. The views hold exact decimals: nothing is rounded before this point.
 */

const NA = "n/a";

/** A "+" on a gain that still shows as one once rounded (0.004 shows "0.00", not "+0.00"). */
function signed(text: string, value: Dec): string {
  return value.gt(0) && /[1-9]/.test(text) ? `+${text}` : text;
}
const money = (d: Dec | null): string => (d === null ? NA : formatMoney(d));
const signedMoney = (d: Dec | null): string => (d === null ? NA : signed(formatMoney(d), d));
/** The views' *Pct values are already percents (12.5 = 12.5%); formatPercent takes a fraction. */
const percent = (d: Dec | null): string => (d === null ? NA : signed(formatPercent(d.div(100)), d));
const fraction = (d: Dec | null): string => (d === null ? NA : formatPercent(d));
/** A plain ratio (profit factor, Sharpe) to 2 places, with no "-0.00". */
const ratio = (d: Dec): string => d.toFixed(2, Dec.ROUND_HALF_EVEN).replace(/^-(0\.00)$/, "$1");

type Align = "l" | "r";

/** Columns padded to their widest cell, two spaces apart, no trailing blanks. */
export function alignColumns(rows: readonly (readonly string[])[], align: readonly Align[], indent = "  "): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((cell, i) => (align[i] === "r" ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ").trimEnd());
}

function localTime(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toFormat("yyyy-LL-dd HH:mm ZZZZ");
}

function capitalLines(v: MonitorView): string[] {
  const c = v.capital;
  const rows: string[][] = [
    ["cash", money(c.cash), ""],
    ["positions", money(c.positionsValue), c.unpricedPositions > 0 ? `(${c.unpricedPositions} without a price, at cost)` : ""],
    ["equity", money(c.equity), c.unpricedPositions > 0 ? "(an estimate)" : ""],
    ["start of day", c.startOfDayEquity === null ? NA : money(c.startOfDayEquity), c.startOfDayEquity === null ? "(no start-of-day mark yet)" : ""],
    ["day P&L", signedMoney(c.dayPnl), c.dayPnl === null ? "" : percent(c.dayPnlPct)],
  ];
  return [`Capital (${v.currency})`, ...alignColumns(rows, ["l", "r", "l"])];
}

function stopLabel(p: MonitorPosition): string {
  if (p.stopStatus === null) return "no price";
  return p.stopStatus === "None" ? "no stop" : p.stopStatus;
}

function positionLines(v: MonitorView): string[] {
  const lines = [`Positions (${v.positions.length})`];
  if (v.positions.length === 0) return [...lines, "  none"];
  const header = ["ticker", "qty", "avg", "last", "unrealised", "%", "stop", "distance", "status"];
  const rows = v.positions.map((p) => [
    p.ticker,
    String(p.quantity),
    money(p.averagePrice),
    p.lastPrice === null ? "no price" : money(p.lastPrice),
    signedMoney(p.unrealizedPnl),
    percent(p.unrealizedPnlPct),
    p.stopPrice === null ? "-" : money(p.stopPrice),
    p.stopPrice === null ? "-" : p.stopDistancePct === null ? NA : formatPercent(p.stopDistancePct.div(100)),
    stopLabel(p),
  ]);
  const t = v.totals;
  const total = ["total", "", "", "", signedMoney(t.unrealizedPnl), percent(t.unrealizedPnlPct), "", "", ""];
  lines.push(...alignColumns([header, ...rows, total], ["l", "r", "r", "r", "r", "r", "r", "r", "l"]));
  lines.push(`  cost ${money(t.costBasis)} · market value ${money(t.marketValue)}`);
  return lines;
}

export function metricsLines(m: Metrics): string[] {
  const profitFactor = m.profitFactor === null ? NA : m.profitFactor === "infinite" ? "infinite" : ratio(m.profitFactor);
  const rows = [
    ["closed trades", String(m.tradeCount)],
    ["win rate", fraction(m.winRate)],
    ["profit factor", profitFactor],
    ["expectancy", signedMoney(m.expectancy)],
    ["average win", money(m.averageWin)],
    ["average loss", money(m.averageLoss)],
    ["total return", m.totalReturn === null ? NA : signed(formatPercent(m.totalReturn), m.totalReturn)],
    ["max drawdown", fraction(m.maxDrawdown)],
    ["Sharpe", m.sharpe === null ? NA : ratio(m.sharpe)],
  ];
  return alignColumns(rows, ["l", "r"]);
}

/** One account's monitor, times in `timeZone` (the market's). */
export function renderMonitorText(v: MonitorView, timeZone: string = NYSE_TIME_ZONE): string {
  const p = v.phaseView;
  const lines = [
    `${v.accountName} · ${v.mode} · phase ${v.phase}, day ${p.day} · ${localTime(v.asOf, timeZone)} · market ${v.marketOpen ? "open" : "closed"}`,
    `phase P&L ${signedMoney(p.phasePnl)} (${percent(p.phasePnlPct)}) on a start of ${money(p.startEquity)}` +
      (p.lossLimitLeft === null ? "" : ` · loss limit ${money(p.lossLimit)}, ${money(p.lossLimitLeft)} left`),
    "",
    ...capitalLines(v),
    "",
    ...positionLines(v),
    "",
    "Metrics (since inception)",
    ...metricsLines(v.metrics),
  ];
  return `${lines.join("\n")}\n`;
}

/** Every account's monitor, a rule between them; "no account yet" when there is none. */
export function renderMonitorReport(views: readonly MonitorView[], timeZone: string = NYSE_TIME_ZONE): string {
  if (views.length === 0) return "no account yet\n";
  return views.map((v) => renderMonitorText(v, timeZone)).join(`\n${"-".repeat(72)}\n\n`);
}

/** The views as JSON: exact decimals as strings (Dec's own toJSON), times in ISO 8601 UTC. */
export function monitorJson(views: readonly MonitorView[]): string {
  return `${JSON.stringify(views, null, 2)}\n`;
}
