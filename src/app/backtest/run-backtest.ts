import { DateTime } from "luxon";
import type { BacktestBar } from "../../domain/backtest/bar.js";
import { buyAndHold, type BenchmarkResult } from "../../domain/backtest/benchmark.js";
import { describeCosts } from "../../domain/backtest/costs.js";
import { type BacktestConfig, type BacktestRun, type BacktestSeries, runBacktest } from "../../domain/backtest/engine.js";
import { describeHaltPolicy, type HaltPolicy } from "../../domain/backtest/halt-policy.js";
import { computePerformance, type Performance } from "../../domain/backtest/performance.js";
import type { BacktestStrategy } from "../../domain/backtest/strategies.js";
import { Dec } from "../../domain/decimal.js";
import type { TriggerThresholds } from "../../domain/kill-switch/triggers.js";
import { computeMetrics, type EquityPoint, type Metrics } from "../../domain/metrics.js";
import { evaluatePromotionGate, type PromotionVerdict } from "../../domain/phase-gate.js";
import { MIN_SCORED_FOR_WEIGHT } from "../../domain/warroom/track-record.js";
import type { LoadedBars } from "./load-bars.js";

/**
 * A whole backtest as an operator asks for it: the engine's run over the loaded bars, the
 * buy-and-hold benchmark of the same tickers with the same costs, the portfolio's and each
 * ticker's figures, and the promotion gate out of shadow counted in the trading days on which
 * trading was allowed. Nothing here reads a clock but the one it is given for the elapsed time.
 */

export const EXECUTION_RULES: readonly string[] = [
  "decisions are made before each session's open on the closes up to the previous session (warm-up history included); nothing from the traded bar reaches them",
  "a passed order fills at that session's open, moved against the trade by the slippage; a BUY the open makes dearer than the cash is cut to what the cash pays for",
  "orders pass the desk's pre-trade checks (kill switch, buying power, concentration, daily trade limit) and, for the War Room, its risk agent's vetoes",
  "stops are checked against each bar's low, the fill bar included: filled at the stop, or at the open when the bar gaps through it; stop exits pass while halted",
  "the kill switch's triggers are evaluated at each close on the book (stale data and API errors cannot fire on daily bars without a broker)",
];

/** What the engine runs with (src/domain/backtest/engine.ts), less what this module sets itself. */
export type BacktestRequest = Omit<BacktestConfig, "sessionTimes" | "minScoredForWeight"> & {
  bars: LoadedBars;
  /** The exchange's time zone: decisions at 09:29 and closes at 16:00 there. */
  timeZone: string;
};

export interface TickerFigures {
  ticker: string;
  /** Bars in the run, and warm-up bars read before it. */
  bars: number;
  warmupBars: number;
  buys: number;
  sells: number;
  stopExits: number;
  refusals: number;
  /** Closed trades (every SELL fill) and their figures. */
  metrics: Pick<Metrics, "tradeCount" | "winRate" | "profitFactor" | "averageWin" | "averageLoss" | "expectancy">;
  realizedPnl: Dec;
  commissionPaid: Dec;
  slippagePaid: Dec;
  /** Held at the end, valued at the last close. */
  finalQuantity: number;
  finalValue: Dec;
  unrealizedPnl: Dec;
  /** The benchmark's holding: first open (after slippage) to last close. */
  buyAndHoldReturn: Dec | null;
}

export interface BacktestReport {
  header: {
    tickers: string[];
    from: string;
    to: string;
    firstDay: string;
    lastDay: string;
    tradingDays: number;
    capital: Dec;
    strategyName: BacktestStrategy["name"];
    /** The strategy and its settings, for people. */
    strategy: string;
    costs: string;
    haltPolicy: HaltPolicy;
    halts: string;
    execution: readonly string[];
    thresholds: TriggerThresholds;
    /** Where each ticker's bars came from, and what else its agents read. */
    sources: { ticker: string; bars: string; headlines: number; signals: number }[];
  };
  run: BacktestRun;
  portfolio: { metrics: Metrics; performance: Performance };
  tickers: TickerFigures[];
  benchmark: BenchmarkResult & { metrics: Metrics; performance: Performance };
  gate: PromotionVerdict;
  /** Seconds the engine and the benchmark took (reading the files not included). */
  elapsedSeconds: number;
}

export function sessionTimesIn(timeZone: string): (day: string) => { decide: Date; close: Date } {
  return (day) => {
    const date = DateTime.fromISO(day, { zone: timeZone });
    return { decide: date.set({ hour: 9, minute: 29 }).toJSDate(), close: date.set({ hour: 16 }).toJSDate() };
  };
}

export function runBacktestReport(request: BacktestRequest, now: () => number = () => performance.now()): BacktestReport {
  const started = now();
  const { bars, capital, costs } = request;
  const series: BacktestSeries[] = bars.tickers.map((t) => ({ ticker: t.ticker, warmup: t.warmup, bars: t.bars, news: t.news, signals: t.signals }));
  const run = runBacktest(series, bars.days, {
    capital,
    costs,
    haltPolicy: request.haltPolicy,
    strategy: request.strategy,
    thresholds: request.thresholds,
    priceCollarPct: request.priceCollarPct,
    defaultStopPct: request.defaultStopPct,
    minScoredForWeight: MIN_SCORED_FOR_WEIGHT,
    sessionTimes: sessionTimesIn(request.timeZone),
  });
  const equityCurve: EquityPoint[] = run.days.map((d) => ({ day: d.day, equity: d.equity }));
  const closed = run.trades.filter((t) => t.side === "SELL").map((t) => ({ pnl: t.realizedPnl }));
  const metrics = computeMetrics({ trades: closed, equityCurve, startingEquity: capital });
  const performance = computePerformance({
    startingEquity: capital,
    equityCurve,
    exposureCurve: run.days.map((d) => ({ day: d.day, positionsValue: d.positionsValue })),
    fills: run.trades.map((t) => t.fill),
  });
  const bench = buyAndHold({ capital, costs, series: bars.tickers.map((t) => ({ ticker: t.ticker, bars: t.bars })) });
  const benchmark = {
    ...bench,
    metrics: computeMetrics({ trades: [], equityCurve: bench.equityCurve, startingEquity: capital }),
    performance: computePerformance({
      startingEquity: capital,
      equityCurve: bench.equityCurve,
      exposureCurve: bench.equityCurve.map((p) => ({ day: p.day, positionsValue: p.equity.minus(bench.cash) })),
      fills: bench.holdings.flatMap((h) => (h.fill ? [h.fill] : [])),
    }),
  };
  return {
    header: {
      tickers: bars.tickers.map((t) => t.ticker),
      from: bars.from,
      to: bars.to,
      firstDay: bars.days[0]!,
      lastDay: bars.days.at(-1)!,
      tradingDays: bars.days.length,
      capital,
      strategyName: request.strategy.name,
      strategy: request.strategy.label,
      costs: describeCosts(costs),
      haltPolicy: request.haltPolicy,
      halts: describeHaltPolicy(request.haltPolicy),
      execution: EXECUTION_RULES,
      thresholds: request.thresholds,
      sources: bars.tickers.map((t) => ({ ticker: t.ticker, bars: t.path, headlines: t.news?.length ?? 0, signals: t.signals?.length ?? 0 })),
    },
    run,
    portfolio: { metrics, performance },
    tickers: bars.tickers.map((t) => tickerFigures(t.ticker, t.bars, t.warmup.length, run, bench)),
    benchmark,
    // The desk's gate counts trading days on which the account could trade: a halted day is not a day of record.
    gate: evaluatePromotionGate({ days: run.allowedDays, metrics }),
    elapsedSeconds: (now() - started) / 1000,
  };
}

function tickerFigures(ticker: string, bars: readonly BacktestBar[], warmupBars: number, run: BacktestRun, bench: BenchmarkResult): TickerFigures {
  const trades = run.trades.filter((t) => t.ticker === ticker);
  const sells = trades.filter((t) => t.side === "SELL");
  const { tradeCount, winRate, profitFactor, averageWin, averageLoss, expectancy } = computeMetrics({ trades: sells.map((t) => ({ pnl: t.realizedPnl })), equityCurve: [], startingEquity: new Dec(1) });
  const position = run.final.positions.find((p) => p.ticker === ticker)!;
  const finalValue = position.lastClose && position.quantity > 0 ? position.lastClose.times(position.quantity) : new Dec(0);
  const holding = bench.holdings.find((h) => h.ticker === ticker);
  const sum = (pick: (t: (typeof trades)[number]) => Dec) => trades.reduce((s, t) => s.plus(pick(t)), new Dec(0));
  return {
    ticker,
    bars: bars.length,
    warmupBars,
    buys: trades.length - sells.length,
    sells: sells.length,
    stopExits: sells.filter((t) => t.source === "stop-loss").length,
    refusals: run.refusals.filter((r) => r.ticker === ticker).length,
    metrics: { tradeCount, winRate, profitFactor, averageWin, averageLoss, expectancy },
    realizedPnl: position.realizedPnl,
    commissionPaid: sum((t) => t.fill.commission),
    slippagePaid: sum((t) => t.fill.slippageCost),
    finalQuantity: position.quantity,
    finalValue,
    unrealizedPnl: finalValue.minus(position.costBasis),
    buyAndHoldReturn: holding?.fill ? bars.at(-1)!.close.div(holding.fill.price).minus(1) : null,
  };
}
