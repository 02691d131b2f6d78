import { buildChartPng } from "../adapters/charts/render-chart.js";
import type { ChartRenderer } from "../app/ports/chart-renderer.js";

/** The report charts: equity above drawdown, 800 x 500 drawn at twice the resolution for phone screens. */
export function reportCharts(): ChartRenderer {
  return {
    equityChart: (points, options) => buildChartPng(points, { ...options, width: 800, height: 500, scale: 2, systemFonts: false }),
  };
}
