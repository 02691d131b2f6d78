import { Dec } from "../../domain/decimal.js";
import { formatPercent } from "../../domain/format.js";
import { isIsoDate } from "../../domain/market-time.js";
import { deepestDrawdown, drawdownSeries, type DrawdownPoint, type EquityPoint } from "../../domain/portfolio/drawdown.js";

// The chart draws the domain's one drawdown (the metrics' and the gate's), never its own.
export type { EquityPoint };

export interface EquityChartOptions {
  title: string;
  /** Size of the whole chart in CSS pixels, title, axes and padding included. */
  width: number;
  height: number;
  /** The capital the curve started from: the first peak, so a curve that opens below it starts in drawdown. */
  startingEquity: Dec;
  /**
   * A second curve to compare with (a buy-and-hold of the same capital, say), drawn grey and dashed
   * on the equity panel's y scale, with its own drawdown (from the same `startingEquity`) as a thin
   * grey line over the strategy's red area. Its days must be among the curve's days; its line runs
   * over the days it lacks. Without it the chart is exactly the daily report's chart.
   */
  benchmark?: EquityBenchmark;
  /** The strategy line's name in the legend, which only a chart with a benchmark has. Default "Equity". */
  equityLabel?: string;
}

/** The comparison curve of an equity chart, and its name in the legend. */
export interface EquityBenchmark {
  label: string;
  points: readonly EquityPoint[];
}

/**
 * The font every piece of chart text asks for. The renderer ships this family (the
 * dejavu-fonts-ttf package) so the text looks the same on every machine.
 */
export const CHART_FONT_FAMILY = "DejaVu Sans";

/** Subtitle of a chart that has fewer than two days to draw. */
export const NO_HISTORY_SUBTITLE = "no history yet";

export const EQUITY_COLOR = "#1f4e79";
export const DRAWDOWN_COLOR = "#d62728";
export const BENCHMARK_COLOR = "#888888";
/** The strategy line's legend name when `equityLabel` is not given. */
const DEFAULT_EQUITY_LABEL = "Equity";


/**
 * A vega-lite spec of the daily report's chart: the equity line on top, the drawdown from the
 * running peak (a red area, per cent, at or below zero) underneath, both over the trading days.
 *
 * Pure and deterministic: the same points give the same spec (no clock, no random ids), and the
 * data is inline (no URL for a loader to fetch). Decimals become numbers only here, for plotting.
 *
 * Size: `width`/`height` are the size of the whole picture. vega-lite's `autosize: "fit"` does not
 * apply to a vconcat (it falls back to "pad" with a warning), so the panels get sizes estimated
 * from fixed axis extents, and the top-level `width`/`height` with `autosize: {type: "fit",
 * contains: "padding"}` state the wanted total, which `renderChartSvg` then makes exact.
 *
 * With fewer than two days there is no curve: one day is drawn as a single point, none as empty
 * axes, and the subtitle says "no history yet".
 *
 * With `options.benchmark` the equity panel also draws the benchmark (grey, dashed, under the
 * strategy's line, on the same y scale) and a legend naming both lines above the panel, where it
 * covers no line; the drawdown panel adds the benchmark's drawdown as a thin grey line over the
 * strategy's red area, both on one scale. Each day of `values` then carries `benchmark` and
 * `benchmarkDrawdown` (null on a day the benchmark lacks). A benchmark day that is not one of the
 * curve's days is an Error naming the day.
 */
export function equityChartSpec(points: readonly EquityPoint[], options: EquityChartOptions): object {
  for (const { day } of points) {
    if (!isIsoDate(day)) throw new Error(`equityChartSpec: day "${day}" is not YYYY-MM-DD`);
  }
  const series = drawdownSeries(points, options.startingEquity);
  const benchmark = options.benchmark && benchmarkByDay(points, options.benchmark, options.startingEquity);
  const values = series.map((p) => {
    const row = { day: p.day, equity: p.equity.toNumber(), drawdown: p.drawdown.toNumber() };
    if (!benchmark) return row;
    const b = benchmark.get(p.day);
    return { ...row, benchmark: b ? b.equity.toNumber() : null, benchmarkDrawdown: b ? b.drawdown.toNumber() : null };
  });

  const maxDrawdown = deepestDrawdown(series);
  // The drawdown scale holds both drawdowns, so the benchmark's deeper falls are not cut off.
  const scaleDrawdown = benchmark ? Dec.min(maxDrawdown, deepestDrawdown([...benchmark.values()])) : maxDrawdown;
  const subtitle =
    series.length < 2
      ? NO_HISTORY_SUBTITLE
      : `${series[0]!.day} to ${series[series.length - 1]!.day} · ${series.length} days · max drawdown ${formatPercent(maxDrawdown, 1)}`;

  const layout = panelSizes(options.width, options.height);
  // Markers only where a line alone would show little or nothing (one day, or a short curve).
  const showPoints = series.length <= 31;

  const x = {
    field: "day",
    type: "temporal",
    // Days are calendar dates, not instants: parsed and drawn in UTC so the machine's time zone never moves them.
    scale: { type: "utc" },
    axis: { title: null, labelFlush: true, labelOverlap: true, tickCount: 6 },
  };

  const startRule = {
    mark: { type: "rule", strokeDash: [4, 4], color: "#999999" },
    encoding: { y: { datum: options.startingEquity.toNumber(), type: "quantitative" } },
  };
  const equityX = { ...x, axis: { ...x.axis, labels: false, ticks: false, domain: false } };
  const equityLine = {
    mark: { type: "line", color: EQUITY_COLOR, strokeWidth: 2, point: showPoints ? { color: EQUITY_COLOR, size: 30 } : false },
    encoding: {
      x: equityX,
      y: { field: "equity", type: "quantitative", scale: { zero: false }, axis: { title: "Equity", format: ".4~s", tickCount: 5 } },
      tooltip: null,
    },
  };
  const drawdownArea = {
    // Filled only: a curve that never falls below its peak leaves no red at all. A lone day
    // has no area to fill, so it gets a point.
    mark: { type: "area", color: DRAWDOWN_COLOR, opacity: 0.6, point: series.length === 1 ? { color: DRAWDOWN_COLOR, size: 20 } : false },
    encoding: {
      x,
      y: {
        field: "drawdown",
        type: "quantitative",
        // Never above zero; a curve without a drawdown still gets a small scale below zero.
        scale: scaleDrawdown.isZero() ? { domain: [-0.01, 0] } : { domainMax: 0, nice: true },
        axis: { title: "Drawdown", format: ".1~%", tickCount: 4 },
      },
    },
  };

  let equityLayers: object[] = [startRule, equityLine];
  let drawdownPanel: object = drawdownArea;
  if (options.benchmark) {
    const labels = legendLabels(options.equityLabel ?? DEFAULT_EQUITY_LABEL, options.benchmark.label);
    equityLayers = [
      startRule,
      // Under the strategy's line, so where the two cross the strategy stays whole.
      benchmarkLine("benchmark", equityLine, showPoints, { strokeWidth: 1.5, strokeDash: [6, 3] }),
      withLegend(equityLine, labels),
    ];
    drawdownPanel = { layer: [drawdownArea, benchmarkLine("benchmarkDrawdown", drawdownArea, series.length === 1, { strokeWidth: 1 })] };
  }

  return {
    title: {
      text: options.title,
      subtitle,
      anchor: "start",
      fontSize: TITLE_FONT_SIZE,
      subtitleFontSize: SUBTITLE_FONT_SIZE,
      // A long title is cut with an ellipsis rather than widening the chart past `width`.
      limit: Math.max(40, options.width - 2 * PADDING),
    },
    width: options.width,
    height: options.height,
    autosize: { type: "fit", contains: "padding" },
    padding: PADDING,
    background: "white",
    data: { values },
    // The x scale's domain is shared, so both panels line up day by day.
    resolve: { scale: { x: "shared" } },
    spacing: PANEL_SPACING,
    bounds: "flush",
    config: {
      font: CHART_FONT_FAMILY,
      view: { stroke: "#dddddd" },
      axis: {
        labelFont: CHART_FONT_FAMILY,
        titleFont: CHART_FONT_FAMILY,
        labelFontSize: LABEL_FONT_SIZE,
        titleFontSize: LABEL_FONT_SIZE,
        labelColor: "#333333",
        titleColor: "#333333",
      },
      axisY: { minExtent: Y_AXIS_EXTENT, maxExtent: Y_AXIS_EXTENT, labelLimit: Y_AXIS_EXTENT - 8 },
      axisX: { minExtent: X_AXIS_EXTENT, maxExtent: X_AXIS_EXTENT },
      title: { font: CHART_FONT_FAMILY, subtitleFont: CHART_FONT_FAMILY, color: "#111111", subtitleColor: "#555555" },
    },
    vconcat: [
      { width: layout.plotWidth, height: layout.equityHeight, layer: equityLayers },
      { width: layout.plotWidth, height: layout.drawdownHeight, ...drawdownPanel },
    ],
  };
}

const PADDING = 8;
const PANEL_SPACING = 12;
const TITLE_FONT_SIZE = 16;
const SUBTITLE_FONT_SIZE = 11;
const LABEL_FONT_SIZE = 11;
/** Left of each panel: y tick labels up to this many pixels, then the rotated axis title. */
const Y_AXIS_EXTENT = 64;
/** Below the drawdown panel: x tick labels. */
const X_AXIS_EXTENT = 20;

/**
 * Panel sizes that make the whole chart about `width` x `height`: the room the title, the axes and
 * the padding take, estimated from the fixed extents above, is taken off; the renderer measures
 * and corrects what is left. The equity panel gets 62% of the plot height.
 */
function panelSizes(width: number, height: number): { plotWidth: number; equityHeight: number; drawdownHeight: number } {
  const left = Y_AXIS_EXTENT + 2 + LABEL_FONT_SIZE + 2;
  const top = TITLE_FONT_SIZE + SUBTITLE_FONT_SIZE + 14;
  const bottom = X_AXIS_EXTENT + 2;
  const plotWidth = Math.max(40, Math.round(width - 2 * PADDING - left - 4));
  const plotHeight = Math.max(60, Math.round(height - 2 * PADDING - top - bottom - PANEL_SPACING));
  const equityHeight = Math.round(plotHeight * 0.62);
  return { plotWidth, equityHeight, drawdownHeight: plotHeight - equityHeight };
}

/** The benchmark's points by day, each with its drawdown, in the order of the curve's days. */
function benchmarkByDay(points: readonly EquityPoint[], benchmark: EquityBenchmark, startingEquity: Dec): Map<string, DrawdownPoint> {
  const curveDays = new Set(points.map((p) => p.day));
  const byDay = new Map<string, EquityPoint>();
  for (const point of benchmark.points) {
    if (!curveDays.has(point.day)) throw new Error(`equityChartSpec: benchmark day "${point.day}" is not a day of the equity curve`);
    if (byDay.has(point.day)) throw new Error(`equityChartSpec: benchmark day "${point.day}" is given twice`);
    byDay.set(point.day, point);
  }
  // Drawn from the same starting capital as the strategy: both lines share the y scale and the
  // dashed starting-equity rule, so the benchmark is the same money held another way.
  const inCurveOrder = points.flatMap((p) => byDay.get(p.day) ?? []);
  return new Map(drawdownSeries(inCurveOrder, startingEquity).map((p) => [p.day, p]));
}

interface LegendLabels {
  equity: string;
  benchmark: string;
}

function legendLabels(equity: string, benchmark: string): LegendLabels {
  // One legend entry per line: two lines with one name could not be told apart.
  if (equity === benchmark) throw new Error(`equityChartSpec: the benchmark and the equity line are both named "${equity}"`);
  return { equity, benchmark };
}

/**
 * The legend's colour and dash channels: each line names itself with a constant `datum`, and the
 * scales map the two names to the two looks, so one legend shows both. It sits above the panel
 * (outside the plot), so it never hides a line, whatever shape the curves take.
 */
function legendChannels(name: string, labels: LegendLabels): object {
  const domain = [labels.equity, labels.benchmark];
  const legend = {
    title: null,
    orient: "top",
    direction: "horizontal",
    symbolType: "stroke",
    symbolSize: 300,
    symbolStrokeWidth: 2,
    labelFontSize: LABEL_FONT_SIZE,
    // vega-lite would give the dash channel a second legend of its own: the colour legend's
    // symbols take their dash from the dash scale instead, so one legend shows both looks.
    encode: { symbols: { update: { strokeDash: { scale: "strokeDash", field: "value" } } } },
  };
  return {
    color: { datum: name, type: "nominal", scale: { domain, range: [EQUITY_COLOR, BENCHMARK_COLOR] }, legend },
    strokeDash: { datum: name, type: "nominal", scale: { domain, range: [[1, 0], [6, 3]] }, legend: null },
  };
}

function withLegend(equityLine: { mark: object; encoding: object }, labels: LegendLabels): object {
  return { ...equityLine, encoding: { ...equityLine.encoding, ...legendChannels(labels.equity, labels) } };
}

/**
 * The benchmark's line over `field` (its equity, or its drawdown), grey, on the y scale and axis of
 * `over`, the panel's own layer: the axes of a layer are merged, and an axis that differs (or is
 * null) would add its title to the panel's or fail the merge. The legend is the strategy line's.
 */
function benchmarkLine(
  field: string,
  over: { encoding: { x: object; y: { axis: object } } },
  showPoints: boolean,
  look: { strokeWidth: number; strokeDash?: number[] },
): object {
  return {
    // `invalid: "filter"`: a day the benchmark lacks (null) is skipped and the line runs on over it;
    // vega-lite 6 would otherwise break the line there, as if the benchmark had stopped.
    mark: { type: "line", color: BENCHMARK_COLOR, ...look, invalid: "filter", point: showPoints ? { color: BENCHMARK_COLOR, size: 16 } : false },
    encoding: { x: over.encoding.x, y: { field, type: "quantitative", axis: over.encoding.y.axis }, tooltip: null },
  };
}
