import { Dec } from "./decimal.js";
import { maxDrawdown, type EquityPoint } from "./portfolio/drawdown.js";

export type { EquityPoint };

/**
 * Performance metrics shared by every report. Pure and exact: all arithmetic is `Dec`, nothing
 * is rounded here (formatting lives in format.ts), and nothing is ever NaN or Infinity —
 * a metric that cannot be computed is null.
 */

/** Trading days per year, for annualizing the daily Sharpe ratio. */
export const TRADING_DAYS_PER_YEAR = 252;

export interface ClosedTrade {
  /** Realized P&L of one closed round trip. */
  pnl: Dec;
}

export interface MetricsInput {
  trades: readonly ClosedTrade[];
  /** Daily end-of-day equity, oldest first. */
  equityCurve: readonly EquityPoint[];
  startingEquity: Dec;
}

export interface Metrics {
  tradeCount: number;
  /** Winning trades (pnl > 0) over all closed trades, 0..1; null without trades. */
  winRate: Dec | null;
  /** Gross profit / |gross loss|; "infinite" with wins and no losses; null without trades or with only breakeven trades. */
  profitFactor: Dec | "infinite" | null;
  /** Mean pnl of winning trades; null without wins. */
  averageWin: Dec | null;
  /** Mean pnl of losing trades (negative); null without losses. */
  averageLoss: Dec | null;
  /** Mean pnl per closed trade; null without trades. */
  expectancy: Dec | null;
  /** Last equity / starting equity - 1; null without equity points or a non-positive starting equity. */
  totalReturn: Dec | null;
  /** Worst fall from a running peak (the starting equity is the first peak) as a fraction <= 0; null without equity points or a non-positive starting equity. The one definition: portfolio/drawdown.ts. */
  maxDrawdown: Dec | null;
  /** Annualized Sharpe ratio of daily returns (risk-free rate 0); null with fewer than 2 returns, zero deviation or a non-positive equity to return from. */
  sharpe: Dec | null;
}

interface TradeStats {
  winRate: Dec | null;
  profitFactor: Dec | "infinite" | null;
  averageWin: Dec | null;
  averageLoss: Dec | null;
  expectancy: Dec | null;
}

function tradeStats(trades: readonly ClosedTrade[]): TradeStats {
  if (trades.length === 0) {
    return { winRate: null, profitFactor: null, averageWin: null, averageLoss: null, expectancy: null };
  }
  let wins = 0;
  let losses = 0;
  let grossProfit = new Dec(0);
  let grossLoss = new Dec(0); // negative or zero
  let total = new Dec(0);
  for (const { pnl } of trades) {
    total = total.plus(pnl);
    if (pnl.greaterThan(0)) {
      wins += 1;
      grossProfit = grossProfit.plus(pnl);
    } else if (pnl.lessThan(0)) {
      losses += 1;
      grossLoss = grossLoss.plus(pnl);
    }
  }
  let profitFactor: Dec | "infinite" | null;
  if (losses > 0) profitFactor = grossProfit.div(grossLoss.abs());
  else if (wins > 0) profitFactor = "infinite";
  else profitFactor = null;
  return {
    winRate: new Dec(wins).div(trades.length),
    profitFactor,
    averageWin: wins > 0 ? grossProfit.div(wins) : null,
    averageLoss: losses > 0 ? grossLoss.div(losses) : null,
    expectancy: total.div(trades.length),
  };
}

function totalReturn(curve: readonly EquityPoint[], startingEquity: Dec): Dec | null {
  const last = curve.at(-1);
  if (last === undefined || !startingEquity.greaterThan(0)) return null;
  return last.equity.div(startingEquity).minus(1);
}

/** Daily returns between consecutive equity points; null if any base equity is not positive. */
export function dailyReturns(curve: readonly EquityPoint[]): Dec[] | null {
  const returns: Dec[] = [];
  let previous: Dec | undefined;
  for (const { equity } of curve) {
    if (previous !== undefined) {
      if (!previous.greaterThan(0)) return null;
      returns.push(equity.div(previous).minus(1));
    }
    previous = equity;
  }
  return returns;
}

function sharpe(curve: readonly EquityPoint[]): Dec | null {
  const returns = dailyReturns(curve);
  if (returns === null || returns.length < 2) return null;
  const n = returns.length;
  const mean = returns.reduce((sum, r) => sum.plus(r), new Dec(0)).div(n);
  const variance = returns.reduce((sum, r) => sum.plus(r.minus(mean).pow(2)), new Dec(0)).div(n - 1);
  if (variance.isZero()) return null;
  return mean.div(variance.sqrt()).mul(new Dec(TRADING_DAYS_PER_YEAR).sqrt());
}

export function computeMetrics(input: MetricsInput): Metrics {
  return {
    tradeCount: input.trades.length,
    ...tradeStats(input.trades),
    totalReturn: totalReturn(input.equityCurve, input.startingEquity),
    maxDrawdown: maxDrawdown(input.equityCurve, input.startingEquity),
    sharpe: sharpe(input.equityCurve),
  };
}
