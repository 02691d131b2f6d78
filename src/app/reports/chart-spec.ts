import { Dec } from "../../domain/decimal.js";
import { formatPercent } from "../../domain/format.js";
import { isIsoDate } from "../../domain/market-time.js";

/** One close of the equity curve: a trading day ("YYYY-MM-DD") and the account's equity that day. */
export interface EquityPoint {
  day: string;
  equity: Dec;
}

export interface EquityChartOptions {
  title: string;
  /** Size of the whole chart in CSS pixels, title, axes and padding included. */
  width: number;
  height: number;
  /** The capital the curve started from: the first peak, so a curve that opens below it starts in drawdown. */
  startingEquity: Dec;
}

/** One day of the curve with its running peak and its drawdown from that peak (a fraction, <= 0). */
export interface DrawdownPoint {
  day: string;
  equity: Dec;
  peak: Dec;
  drawdown: Dec;
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


/**
 * The drawdown of each day from the running peak, in exact decimals: peak = max(starting equity,
 * every equity so far), drawdown = (equity - peak) / peak, so 0 at a new high and -0.1 ten per cent
 * below it. A peak of zero or less (a blown account) has no meaningful percentage; its drawdown is
 * -1 while the equity is below the peak, 0 otherwise.
 */
export function drawdownSeries(points: readonly EquityPoint[], startingEquity: Dec): DrawdownPoint[] {
  let peak = new Dec(startingEquity);
  return points.map(({ day, equity }) => {
    if (equity.greaterThan(peak)) peak = equity;
    let drawdown: Dec;
    if (peak.lessThanOrEqualTo(0)) drawdown = new Dec(equity.lessThan(peak) ? -1 : 0);
    else drawdown = equity.minus(peak).dividedBy(peak);
    return { day, equity, peak, drawdown };
  });
}

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
 */
export function equityChartSpec(points: readonly EquityPoint[], options: EquityChartOptions): object {
  for (const { day } of points) {
    if (!isIsoDate(day)) throw new Error(`equityChartSpec: day "${day}" is not YYYY-MM-DD`);
  }
  const series = drawdownSeries(points, options.startingEquity);
  const values = series.map((p) => ({ day: p.day, equity: p.equity.toNumber(), drawdown: p.drawdown.toNumber() }));

  const maxDrawdown = series.reduce((worst, p) => Dec.min(worst, p.drawdown), new Dec(0));
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
      {
        width: layout.plotWidth,
        height: layout.equityHeight,
        layer: [
          {
            mark: { type: "rule", strokeDash: [4, 4], color: "#999999" },
            encoding: { y: { datum: options.startingEquity.toNumber(), type: "quantitative" } },
          },
          {
            mark: { type: "line", color: EQUITY_COLOR, strokeWidth: 2, point: showPoints ? { color: EQUITY_COLOR, size: 30 } : false },
            encoding: {
              x: { ...x, axis: { ...x.axis, labels: false, ticks: false, domain: false } },
              y: { field: "equity", type: "quantitative", scale: { zero: false }, axis: { title: "Equity", format: ".4~s", tickCount: 5 } },
              tooltip: null,
            },
          },
        ],
      },
      {
        width: layout.plotWidth,
        height: layout.drawdownHeight,
        // Filled only: a curve that never falls below its peak leaves no red at all. A lone day
        // has no area to fill, so it gets a point.
        mark: { type: "area", color: DRAWDOWN_COLOR, opacity: 0.6, point: series.length === 1 ? { color: DRAWDOWN_COLOR, size: 20 } : false },
        encoding: {
          x,
          y: {
            field: "drawdown",
            type: "quantitative",
            // Never above zero; a curve without a drawdown still gets a small scale below zero.
            scale: maxDrawdown.isZero() ? { domain: [-0.01, 0] } : { domainMax: 0, nice: true },
            axis: { title: "Drawdown", format: ".1~%", tickCount: 4 },
          },
        },
      },
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


