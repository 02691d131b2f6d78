import { Dec } from "../decimal.js";
import { dailyReturns, type EquityPoint, TRADING_DAYS_PER_YEAR } from "../metrics.js";
import { BacktestInputError } from "./bar.js";

/**
 * The backtest report's metrics beyond metrics.ts (which gives total return, drawdown, Sharpe):
 * growth rate, risk, how much of the book was invested, how much it traded and what trading
 * cost. Pure and exact like metrics.ts: all arithmetic is `Dec`, nothing is rounded here, and
 * nothing is ever NaN or Infinity — a metric that cannot be computed is null.
 *
 * Daily returns are metrics.ts's `dailyReturns`: between consecutive equity points, so the first
 * day's move from the starting equity is not a return (the same returns the Sharpe uses, which
 * keeps Sharpe, volatility and Sortino comparable).
 */

export interface PerformanceInput {
  startingEquity: Dec;
  /** End-of-day equity on each trading day of the run, oldest first. */
  equityCurve: readonly EquityPoint[];
  /** End-of-day value of the positions held on each of the same days (same length and days as equityCurve). */
  exposureCurve: readonly { day: string; positionsValue: Dec }[];
  /** Every fill of the run: gross = quantity x price to the cent (>= 0), commission to the cent, slippageCost (>= 0, unrounded). */
  fills: readonly { gross: Dec; commission: Dec; slippageCost: Dec }[];
}

export interface Performance {
  /** (final / starting)^(252 / days) - 1, days = equityCurve.length (trading days); null without points or with non-positive start/final. */
  cagr: Dec | null;
  /** Sample standard deviation (n-1) of dailyReturns(equityCurve) x sqrt(252); null with fewer than 2 returns. */
  volatility: Dec | null;
  /** mean(daily returns) / downside deviation x sqrt(252); downside deviation = sqrt(sum(min(r,0)^2) / n) over all n returns; null with fewer than 2 returns or no negative return. */
  sortino: Dec | null;
  /** Mean over days of positionsValue / equity (0..1 for a long-only book); null without days or with a non-positive equity day. */
  exposure: Dec | null;
  /** Share of days on which positionsValue > 0. null without days. */
  timeInMarket: Dec | null;
  /** Annual turnover: (sum of fill gross / 2) / mean equity / (days / 252); null without days or a non-positive mean equity. */
  turnover: Dec | null;
  /** Sum of every fill's commission. */
  commissionPaid: Dec;
  /** Sum of every fill's slippage cost. */
  slippagePaid: Dec;
  /** Sum of every fill's gross value. */
  tradedValue: Dec;
}

type ExposurePoint = PerformanceInput["exposureCurve"][number];

/**
 * The two curves are read day by day together, so a day missing from one (or the two out of
 * order) would silently pair one day's positions with another day's equity. Refused, naming the
 * first day where they part.
 */
function requireSameDays(equityCurve: readonly EquityPoint[], exposureCurve: readonly ExposurePoint[]): void {
  const length = Math.max(equityCurve.length, exposureCurve.length);
  for (let i = 0; i < length; i++) {
    const equityDay = equityCurve[i]?.day;
    const exposureDay = exposureCurve[i]?.day;
    if (equityDay === exposureDay) continue;
    throw new BacktestInputError(
      `equity and exposure curves differ at day ${String(equityDay ?? exposureDay)} ` +
        `(position ${i + 1}: equity curve has ${equityDay ?? "no day"}, exposure curve has ${exposureDay ?? "no day"})`,
    );
  }
}

function sum(values: readonly Dec[]): Dec {
  return values.reduce((total, value) => total.plus(value), new Dec(0));
}

function mean(values: readonly Dec[]): Dec {
  return sum(values).div(values.length);
}

const SQRT_TRADING_DAYS = new Dec(TRADING_DAYS_PER_YEAR).sqrt();

function cagr(curve: readonly EquityPoint[], startingEquity: Dec): Dec | null {
  const final = curve.at(-1)?.equity;
  if (final === undefined || !startingEquity.greaterThan(0) || !final.greaterThan(0)) return null;
  // The run lasted days / 252 years; compounding the growth to one year raises it to 252 / days.
  const runsPerYear = new Dec(TRADING_DAYS_PER_YEAR).div(curve.length);
  return final.div(startingEquity).pow(runsPerYear).minus(1);
}

function volatility(returns: readonly Dec[] | null): Dec | null {
  if (returns === null || returns.length < 2) return null;
  const average = mean(returns);
  const variance = sum(returns.map((r) => r.minus(average).pow(2))).div(returns.length - 1);
  return variance.sqrt().mul(SQRT_TRADING_DAYS);
}

function sortino(returns: readonly Dec[] | null): Dec | null {
  if (returns === null || returns.length < 2) return null;
  const losses = returns.filter((r) => r.lessThan(0));
  // Without a losing day the downside deviation is 0 and the ratio has no value.
  if (losses.length === 0) return null;
  // Divided by all n returns, not by the losing days: a rare loss is a small downside.
  const downsideDeviation = sum(losses.map((r) => r.pow(2))).div(returns.length).sqrt();
  return mean(returns).div(downsideDeviation).mul(SQRT_TRADING_DAYS);
}

function exposure(curve: readonly EquityPoint[], exposureCurve: readonly ExposurePoint[]): Dec | null {
  if (curve.length === 0 || curve.some(({ equity }) => !equity.greaterThan(0))) return null;
  return mean(exposureCurve.map(({ positionsValue }, i) => positionsValue.div(curve[i]!.equity)));
}

function timeInMarket(exposureCurve: readonly ExposurePoint[]): Dec | null {
  if (exposureCurve.length === 0) return null;
  const invested = exposureCurve.filter(({ positionsValue }) => positionsValue.greaterThan(0)).length;
  return new Dec(invested).div(exposureCurve.length);
}

/** Half the traded value (a round trip buys and sells the same book once) per year, over the mean equity. */
function turnover(curve: readonly EquityPoint[], tradedValue: Dec): Dec | null {
  if (curve.length === 0) return null;
  const meanEquity = mean(curve.map(({ equity }) => equity));
  if (!meanEquity.greaterThan(0)) return null;
  return tradedValue.div(2).div(meanEquity).mul(TRADING_DAYS_PER_YEAR).div(curve.length);
}

export function computePerformance(input: PerformanceInput): Performance {
  const { equityCurve, exposureCurve, fills } = input;
  requireSameDays(equityCurve, exposureCurve);
  const returns = dailyReturns(equityCurve);
  const tradedValue = sum(fills.map(({ gross }) => gross));
  return {
    cagr: cagr(equityCurve, input.startingEquity),
    volatility: volatility(returns),
    sortino: sortino(returns),
    exposure: exposure(equityCurve, exposureCurve),
    timeInMarket: timeInMarket(exposureCurve),
    turnover: turnover(equityCurve, tradedValue),
    commissionPaid: sum(fills.map(({ commission }) => commission)),
    slippagePaid: sum(fills.map(({ slippageCost }) => slippageCost)),
    tradedValue,
  };
}
