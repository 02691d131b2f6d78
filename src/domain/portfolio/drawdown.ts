import { Dec } from "../decimal.js";

/**
 * The one definition of drawdown, shared by the performance metrics (/monitor, /phase, the daily
 * and weekly reports, the promotion gate, the replay and the backtest) and the report chart, so a
 * chart's "max drawdown" and the gate's never disagree about the same curve. The kill switch's
 * max_drawdown trigger reads the same quantity in percent, from its stored peak.
 *
 * Drawdown is the fall of equity from the running peak, as a fraction <= 0:
 * (equity - peak) / peak, so 0 at a new high and -0.1 ten per cent below it. Exact decimals.
 */

/** One close of an equity curve: a trading day ("YYYY-MM-DD") and the account's equity that day. */
export interface EquityPoint {
  day: string;
  equity: Dec;
}

/** One day of the curve with its running peak and its drawdown from that peak. */
export interface DrawdownPoint {
  day: string;
  equity: Dec;
  peak: Dec;
  drawdown: Dec;
}

const ZERO = new Dec(0);

/**
 * How far `equity` is below `peak`, a fraction <= 0 (equity above the peak is 0: it is a new peak).
 * A peak of zero or less (a blown account) has no meaningful percentage: -1 below it, 0 otherwise,
 * never a division by zero.
 */
export function drawdownFrom(peak: Dec, equity: Dec): Dec {
  if (!equity.lessThan(peak)) return ZERO;
  if (peak.lessThanOrEqualTo(0)) return new Dec(-1);
  return equity.minus(peak).dividedBy(peak);
}

/** Each day's drawdown from the running peak; the starting equity is the first peak, so a curve that opens below it opens in drawdown. */
export function drawdownSeries(points: readonly EquityPoint[], startingEquity: Dec): DrawdownPoint[] {
  let peak = new Dec(startingEquity);
  return points.map(({ day, equity }) => {
    if (equity.greaterThan(peak)) peak = equity;
    return { day, equity, peak, drawdown: drawdownFrom(peak, equity) };
  });
}

/** The deepest of `series`' drawdowns; 0 for an empty series. */
export function deepestDrawdown(series: readonly Pick<DrawdownPoint, "drawdown">[]): Dec {
  return series.reduce((worst, p) => Dec.min(worst, p.drawdown), ZERO);
}

/**
 * The worst fall from a running peak over the curve (the starting equity is the first peak);
 * null without points or with a non-positive starting equity, where a percentage means nothing.
 */
export function maxDrawdown(points: readonly EquityPoint[], startingEquity: Dec): Dec | null {
  if (points.length === 0 || !startingEquity.greaterThan(0)) return null;
  return deepestDrawdown(drawdownSeries(points, startingEquity));
}
