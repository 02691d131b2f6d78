import type { Dec } from "../../domain/decimal.js";
import { formatMoney, formatPercent } from "../../domain/format.js";
import type { Metrics } from "../../domain/metrics.js";
import type { Performance } from "../../domain/backtest/performance.js";
import type { BacktestReport } from "./run-backtest.js";

/**
 * The backtest report as text for a terminal: what was run and how fills were made, then the
 * trades, refusals and halts (the newest `listLimit` of each; the JSON has them all), the
 * portfolio against buy-and-hold, each ticker, the War Room agents' record, and the promotion
 * gate's verdict.
 */

const money = (d: Dec | null) => (d === null ? "n/a" : d.isNegative() && !d.toDecimalPlaces(2).isZero() ? `-$${formatMoney(d.neg())}` : `$${formatMoney(d)}`);
const pct = (d: Dec | null) => (d === null ? "n/a" : formatPercent(d));
const ratio = (d: Dec | null) => (d === null ? "n/a" : d.toFixed(2));
const factor = (f: Metrics["profitFactor"]) => (f === null ? "n/a" : f === "infinite" ? "infinite" : f.toFixed(2));

function listed<T>(out: string[], title: string, items: readonly T[], limit: number, line: (item: T) => string): void {
  out.push("", `${title} (${items.length})`);
  const shown = items.length > limit ? items.slice(-limit) : items;
  if (shown.length < items.length) out.push(`  … ${items.length - shown.length} earlier, all in --json`);
  for (const item of shown) out.push(`  ${line(item)}`);
}

function figures(m: Metrics, p: Performance): string[] {
  return [
    `return ${pct(m.totalReturn)}, CAGR ${pct(p.cagr)}, volatility ${pct(p.volatility)}, max drawdown ${pct(m.maxDrawdown)}`,
    `Sharpe ${ratio(m.sharpe)}, Sortino ${ratio(p.sortino)}, exposure ${pct(p.exposure)} (in the market ${pct(p.timeInMarket)} of days), turnover ${ratio(p.turnover)}×/year`,
    `costs: commission ${money(p.commissionPaid)}, slippage ${money(p.slippagePaid)} on ${money(p.tradedValue)} traded`,
  ];
}

export function renderBacktestReport(r: BacktestReport, listLimit = 25): string {
  const h = r.header;
  const out: string[] = [];
  out.push(`Backtest ${h.tickers.join(", ")} ${h.firstDay} .. ${h.lastDay} (${h.tradingDays} trading days), capital ${money(h.capital)}`);
  out.push(`strategy: ${h.strategy}`);
  out.push(`bars: ${h.sources.map((x) => `${x.ticker} ${x.bars}`).join("; ")}`);
  const headlines = h.sources.reduce((n, x) => n + x.headlines, 0);
  const signals = h.sources.reduce((n, x) => n + x.signals, 0);
  out.push(headlines + signals > 0 ? `agents also read ${headlines} headlines and ${signals} signals, each from when it was published or made` : "no headlines or signals: the sentiment and signals agents abstain (--prices db reads them from the desk's tables)");
  out.push(`costs: ${h.costs}`);
  out.push(h.halts);
  const t = h.thresholds;
  out.push(`kill switch: daily loss ${t.dailyLossPct}%, drawdown ${t.maxDrawdownPct}%, concentration ${t.concentrationPct}%, ${t.dailyTradeLimit} orders a day`);
  out.push("execution:");
  for (const rule of h.execution) out.push(`  - ${rule}`);

  const run = r.run;
  listed(out, "Trades", run.trades, listLimit, (x) => {
    const pnl = x.side === "SELL" ? `  P&L ${money(x.realizedPnl)}` : "";
    const stop = x.side === "BUY" && x.stopAfter ? `  stop ${x.stopAfter.toFixed(2)}` : "";
    return `${x.date}  ${x.ticker.padEnd(6)} ${x.side.padEnd(4)} ${String(x.quantity).padStart(7)} @ ${x.fill.price.toFixed(4).padStart(11)}  commission ${money(x.fill.commission)}${pnl}${stop}  [${x.source}: ${x.reason}]`;
  });
  listed(out, "Refused orders", run.refusals, listLimit, (x) => `${x.date}  ${x.ticker} ${x.side} ${x.quantity}: ${x.codes.join(", ")} (${x.messages.join("; ")})`);
  const haltCount = run.halts.filter((x) => x.kind === "halt").length;
  listed(out, `Halts: ${haltCount} halts, ${run.halts.length - haltCount} resumes; events`, run.halts, listLimit, (x) => `${x.date}  ${x.kind.padEnd(6)} ${x.trigger ?? ""}${x.reading ? `  ${x.reading}` : ""}`);

  out.push("", "Portfolio");
  for (const line of figures(r.portfolio.metrics, r.portfolio.performance)) out.push(`  ${line}`);
  const m = r.portfolio.metrics;
  out.push(`  closed trades ${m.tradeCount}, win rate ${pct(m.winRate)}, profit factor ${factor(m.profitFactor)}, average win ${money(m.averageWin)}, average loss ${money(m.averageLoss)}`);
  out.push(`  final equity ${money(run.final.equity)} (cash ${money(run.final.cash)}), kill switch ${run.final.halted ? "HALTED" : "ACTIVE"} at the end`);
  out.push("", "Buy and hold, equal weight, same costs");
  for (const line of figures(r.benchmark.metrics, r.benchmark.performance)) out.push(`  ${line}`);
  out.push(`  final equity ${money(r.benchmark.equityCurve.at(-1)?.equity ?? null)}`);

  out.push("", "Per ticker");
  for (const x of r.tickers) {
    out.push(
      `  ${x.ticker.padEnd(6)} ${x.buys} buys, ${x.sells} sells (${x.stopExits} at stops), ${x.refusals} refused; win rate ${pct(x.metrics.winRate)}, profit factor ${factor(x.metrics.profitFactor)}; ` +
        `realised ${money(x.realizedPnl)}, open ${x.finalQuantity} (${money(x.unrealizedPnl)} unrealised); costs ${money(x.commissionPaid.plus(x.slippagePaid))}; buy-and-hold ${pct(x.buyAndHoldReturn)}; warm-up ${x.warmupBars} bars`,
    );
  }

  if (run.agents.length > 0) {
    out.push("", "War Room record (each vote judged on the close 5 sessions later, as live)");
    for (const a of run.agents) {
      const accuracy = a.scored > 0 ? `${((a.correct / a.scored) * 100).toFixed(1)}% right (${a.correct}/${a.scored})` : "never judged";
      out.push(`  ${a.agent.padEnd(9)} ${accuracy}; ${a.votes} votes, ${a.abstained} abstained`);
    }
  }
  out.push("", `Decisions: ${run.decisions.BUY} BUY, ${run.decisions.SELL} SELL, ${run.decisions.HOLD} HOLD`);

  out.push("", `Promotion gate out of shadow: ${r.gate.passed ? "PASS" : "FAIL"} (days of record = trading days on which trading was allowed: ${run.allowedDays} of ${run.sessions})`);
  for (const c of r.gate.checks) out.push(`  ${c.label.padEnd(16)} ${c.value.padStart(22)}  target ${c.target.padEnd(10)} ${c.passed ? "PASS" : "FAIL"}`);
  const tickerDays = r.tickers.reduce((s, x) => s + x.bars, 0);
  out.push("", `${tickerDays} ticker-days in ${r.elapsedSeconds.toFixed(2)} s: ${Math.round(tickerDays / Math.max(r.elapsedSeconds, 1e-6))} ticker-days/s`, "");
  return out.join("\n");
}
