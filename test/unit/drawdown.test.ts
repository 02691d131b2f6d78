import { describe, expect, it } from "vitest";
import { equityChartSpec } from "../../src/app/reports/chart-spec.js";
import { Dec } from "../../src/domain/decimal.js";
import { computeMetrics } from "../../src/domain/metrics.js";
import { deepestDrawdown, drawdownFrom, drawdownSeries, maxDrawdown, type EquityPoint } from "../../src/domain/portfolio/drawdown.js";

const d = (v: string | number) => new Dec(v);
const curve = (...equities: string[]): EquityPoint[] =>
  equities.map((equity, i) => ({ day: `2025-03-${String(i + 3).padStart(2, "0")}`, equity: d(equity) }));

describe("drawdownSeries: from the running peak, in exact decimals", () => {
  it("100, 110, 99, 121 from 100 -> 0, 0, -10%, 0", () => {
    const series = drawdownSeries(curve("100", "110", "99", "121"), d("100"));
    expect(series.map((p) => p.peak.toFixed())).toEqual(["100", "110", "110", "121"]);
    expect(series.map((p) => p.drawdown.toFixed())).toEqual(["0", "0", "-0.1", "0"]);
  });

  it("is exact where binary floating point is not: 0.3 below a peak of 3 is -10%, not -0.09999…", () => {
    const series = drawdownSeries(curve("3", "2.7"), d("3"));
    expect(series[1]!.drawdown.toFixed()).toBe("-0.1");
    // A repeating fraction keeps its 40 significant digits until it is plotted.
    const third = drawdownSeries(curve("2"), d("3"))[0]!.drawdown;
    expect(third.toFixed()).toBe("-0.3333333333333333333333333333333333333333");
  });

  it("the starting equity is the first peak: a curve that opens below it opens in drawdown", () => {
    const series = drawdownSeries(curve("95", "100", "102"), d("100"));
    expect(series.map((p) => p.drawdown.toFixed())).toEqual(["-0.05", "0", "0"]);
  });

  it("a peak at or below zero gives -1 below it and 0 at it, never a division by zero", () => {
    const series = drawdownSeries(curve("0", "-5", "0"), d("0"));
    expect(series.map((p) => p.drawdown.toFixed())).toEqual(["0", "-1", "0"]);
  });

  it("no points, no series", () => {
    expect(drawdownSeries([], d("100"))).toEqual([]);
  });
});

describe("drawdownFrom: one reading against a peak", () => {
  it("(equity - peak) / peak below the peak, 0 at or above it", () => {
    expect(drawdownFrom(d("12400"), d("11222")).toFixed()).toBe("-0.095");
    expect(drawdownFrom(d("100"), d("100")).toFixed()).toBe("0");
    expect(drawdownFrom(d("100"), d("130")).toFixed()).toBe("0");
  });

  it("a peak at or below zero: -1 below it, 0 at it", () => {
    expect(drawdownFrom(d("0"), d("-5")).toFixed()).toBe("-1");
    expect(drawdownFrom(d("-5"), d("-5")).toFixed()).toBe("0");
  });
});

describe("maxDrawdown: the deepest point of the series", () => {
  it("the worst of several falls: 80, 150, 105, 140 from 100 -> 105 / 150 - 1 = -0.3", () => {
    expect(maxDrawdown(curve("80", "150", "105", "140"), d("100"))?.toFixed()).toBe("-0.3");
  });

  it("null without points or with a non-positive starting equity; 0 when equity never falls", () => {
    expect(maxDrawdown([], d("100"))).toBeNull();
    expect(maxDrawdown(curve("1", "2"), d("0"))).toBeNull();
    expect(maxDrawdown(curve("101", "101", "130"), d("100"))?.toFixed()).toBe("0");
    expect(deepestDrawdown([]).toFixed()).toBe("0");
  });

  it("the metrics, the gate's input, and the chart's subtitle read the same number from one curve", () => {
    const points = curve("100", "137", "91.33", "120");
    const start = d("95");
    const expected = maxDrawdown(points, start)!;
    // (91.33 - 137) / 137 = -0.33335766…: 33.3% on the chart's one decimal.
    expect(expected.toFixed(6)).toBe("-0.333358");
    expect(computeMetrics({ trades: [], equityCurve: points, startingEquity: start }).maxDrawdown?.equals(expected)).toBe(true);
    const spec = equityChartSpec(points, { title: "t", width: 800, height: 500, startingEquity: start }) as { title: { subtitle: string } };
    expect(spec.title.subtitle).toContain("max drawdown -33.3%");
  });
});
