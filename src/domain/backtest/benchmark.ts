import { Dec } from "../decimal.js";
import type { EquityPoint } from "../metrics.js";
import { type BacktestBar, BacktestInputError, showPrice, validateBar } from "./bar.js";
import { type BacktestFill, type CostModel, mostSharesAtOpen, validateCosts } from "./costs.js";

/**
 * The yardstick a backtest is read against: buy-and-hold of the same tickers over the same days.
 *
 * - Equal weight: each ticker is allotted the capital divided by the number of tickers, rounded
 *   down to the cent (so the allotments never sum above the capital).
 * - Each ticker is bought once, at the open of its first bar in range, as a market order fills in
 *   the backtest (costs.ts: slippage against the buyer, commission, cash to the cent, half-up),
 *   with the most whole shares whose cost, commission included, fits its allotment. What is not
 *   spent stays cash, uninvested and earning nothing. A ticker whose first bar comes later (a
 *   listing inside the range) keeps its allotment in cash until then.
 * - Nothing is ever sold: no stops, no halts, no rebalancing.
 * - Equity on each trading day (the union of the tickers' days) is cash plus, for each holding,
 *   its shares at its last close on or before that day: a ticker without a bar that day is
 *   carried at its previous close. Exact decimals, unrounded, as metrics.ts expects.
 */

export interface BenchmarkSeries {
  ticker: string;
  /** The ticker's bars in the backtest's range, oldest first; not the warm-up. */
  bars: readonly BacktestBar[];
}

export interface BenchmarkInput {
  /** Starting cash, > 0. */
  capital: Dec;
  costs: CostModel;
  /** One per ticker, each with at least one bar. */
  series: readonly BenchmarkSeries[];
}

export interface BenchmarkHolding {
  ticker: string;
  /** What the ticker may spend, commission included: capital / tickers, down to the cent. */
  allotment: Dec;
  /** Whole shares bought; 0 when the allotment does not reach one share. */
  quantity: number;
  /** The buy at the first in-range open, or null when nothing was bought. */
  fill: BacktestFill | null;
  /** Why nothing was bought, when nothing was. */
  note: string | null;
}

export interface BenchmarkResult {
  startingEquity: Dec;
  holdings: BenchmarkHolding[];
  /** Cash left once every ticker was bought, to the cent. */
  cash: Dec;
  /** Commission paid on the buys, to the cent. */
  commissionPaid: Dec;
  /** What slippage cost on the buys, unrounded. */
  slippagePaid: Dec;
  /** End-of-day equity on every trading day in range, oldest first. */
  equityCurve: EquityPoint[];
}

function validate(input: BenchmarkInput): void {
  if (!input.capital.isFinite() || !input.capital.isPositive() || input.capital.isZero()) {
    throw new BacktestInputError(`benchmark capital must be above 0, got ${input.capital.toString()}`);
  }
  validateCosts(input.costs);
  if (input.series.length === 0) throw new BacktestInputError("the benchmark needs at least one ticker");
  const seen = new Set<string>();
  for (const { ticker, bars } of input.series) {
    if (seen.has(ticker)) throw new BacktestInputError(`benchmark: ${ticker} is given twice`);
    seen.add(ticker);
    if (bars.length === 0) throw new BacktestInputError(`benchmark: ${ticker} has no bars in range`);
    bars.forEach((bar, i) => {
      validateBar(bar);
      const previous = bars[i - 1];
      if (previous && previous.date >= bar.date) {
        throw new BacktestInputError(`benchmark: ${ticker}'s bars must be oldest first, one a day; ${bar.date} follows ${previous.date}`);
      }
    });
  }
}

/** Buy-and-hold of the series, equal weight, with the backtest's costs; its equity on each day. */
export function buyAndHold(input: BenchmarkInput): BenchmarkResult {
  validate(input);
  const { capital, costs, series } = input;
  const allotment = capital.div(series.length).toDecimalPlaces(2, Dec.ROUND_DOWN);
  const holdings: BenchmarkHolding[] = series.map(({ ticker }) => ({ ticker, allotment, quantity: 0, fill: null, note: null }));
  const byDay = series.map(({ bars }) => new Map(bars.map((bar) => [bar.date, bar])));
  const days = [...new Set(series.flatMap(({ bars }) => bars.map((bar) => bar.date)))].sort();
  const lastClose: (Dec | null)[] = series.map(() => null);
  let cash = capital;
  const equityCurve: EquityPoint[] = [];
  for (const day of days) {
    let equity = new Dec(0);
    holdings.forEach((holding, i) => {
      const bar = byDay[i]!.get(day);
      if (bar && lastClose[i] === null) {
        // The ticker's first bar in range: buy at its open.
        holding.fill = mostSharesAtOpen({ date: day, open: bar.open, budget: allotment, costs });
        if (holding.fill) {
          holding.quantity = holding.fill.quantity;
          cash = cash.plus(holding.fill.net);
        } else {
          holding.note = `the allotment ${showPrice(allotment)} does not buy one share at ${showPrice(bar.open)} with costs`;
        }
      }
      if (bar) lastClose[i] = bar.close;
      const close = lastClose[i];
      if (close && holding.quantity > 0) equity = equity.plus(close.mul(holding.quantity));
    });
    equityCurve.push({ day, equity: equity.plus(cash) });
  }
  const fills = holdings.flatMap((h) => (h.fill ? [h.fill] : []));
  return {
    startingEquity: capital,
    holdings,
    cash,
    commissionPaid: fills.reduce((sum, f) => sum.plus(f.commission), new Dec(0)),
    slippagePaid: fills.reduce((sum, f) => sum.plus(f.slippageCost), new Dec(0)),
    equityCurve,
  };
}
