import type { Dec } from "../../domain/decimal.js";
import type { EquityPoint } from "../../domain/metrics.js";

/** Draws the equity and drawdown chart of a report as a PNG. */
export interface ChartRenderer {
  equityChart(points: readonly EquityPoint[], options: { title: string; startingEquity: Dec }): Promise<Buffer>;
}
