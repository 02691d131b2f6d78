import type { ChartRenderer } from "../app/ports/chart-renderer.js";

/** The report chart renderer; wired once the chart adapter exists. */
export function reportCharts(): ChartRenderer | undefined {
  return undefined;
}
