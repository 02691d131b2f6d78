import type { ChartRenderer } from "../../../app/ports/chart-renderer.js";
import type { TradeRow } from "../../../app/ports/trade-log.js";
import type { AccountDailyReport, DailyReport } from "../../../app/reports/daily-report.js";
import type { Logger } from "../../../logger.js";
import { bold, code, esc } from "./html.js";
import { renderMonitor, renderPhase } from "./monitor.js";
import { money } from "./order.js";
import { renderStatus } from "./status.js";
import { etTime } from "./time.js";

/** The daily report as Telegram HTML: per account, the monitor, the day's trades, the kill switch, approvals and the phase. */
export function renderDailyReportText(report: DailyReport): string {
  const header = `📊 ${bold(`Daily report — ${report.tradingDay}`)}`;
  if (report.accounts.length === 0) return `${header}\nNo account yet.`;
  return [header, ...report.accounts.map(renderAccount)].join("\n\n");
}

function renderAccount(a: AccountDailyReport): string {
  return [renderMonitor(a.monitor), renderTrades(a.trades), a.status ? renderStatus([a.status]) : "kill switch: unknown", renderPhase(a.monitor.phaseView)].join("\n\n");
}

export function renderTrades(trades: readonly TradeRow[], title = "Today's trades"): string {
  if (trades.length === 0) return `${bold(title)}: none`;
  const lines = trades.map((t) => {
    const pnl = t.realizedPnl ? ` · P&amp;L ${money(t.realizedPnl)}` : "";
    return `${esc(etTime(t.filledAt))} ${esc(t.side)} ${t.quantity} ${code(t.ticker)} @ ${t.price.toFixed(2)} (${esc(t.source)})${pnl}`;
  });
  return [bold(`${title} (${trades.length})`), ...lines].join("\n");
}

/** A report drawn for Telegram: its HTML and, when one could be drawn, a chart per account. */
export interface RenderedReport {
  id: string;
  html: string;
  charts: { caption: string; png: Buffer }[];
}

/**
 * Text plus one chart per account. A chart that cannot be drawn is left out (and logged): the
 * report's figures matter more than its picture.
 */
export async function renderDailyReport(report: DailyReport, charts: ChartRenderer | undefined, log: Logger): Promise<RenderedReport> {
  const rendered: RenderedReport = { id: `daily-${report.tradingDay}`, html: renderDailyReportText(report), charts: [] };
  for (const a of report.accounts) {
    if (!charts) break;
    try {
      const title = `${a.monitor.accountName}: equity and drawdown`;
      const png = await charts.equityChart(a.curve, { title, startingEquity: a.startingEquity });
      rendered.charts.push({ caption: `${a.monitor.accountName} · equity and drawdown · ${report.tradingDay}`, png });
    } catch (error) {
      log.error({ err: String(error), account: a.monitor.accountName }, "could not draw the report chart");
    }
  }
  return rendered;
}
