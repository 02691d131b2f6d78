import { describe, expect, it } from "vitest";
import {
  BENCHMARK_COLOR,
  CHART_FONT_FAMILY,
  DRAWDOWN_COLOR,
  EQUITY_COLOR,
  equityChartSpec,
  type EquityPoint,
  NO_HISTORY_SUBTITLE,
} from "../../src/app/reports/chart-spec.js";
import { Dec } from "../../src/domain/decimal.js";

const d = (v: string | number) => new Dec(v);
const curve = (...equities: string[]): EquityPoint[] =>
  equities.map((equity, i) => ({ day: `2025-03-${String(i + 3).padStart(2, "0")}`, equity: d(equity) }));
const options = { title: "Desk equity", width: 800, height: 500, startingEquity: d("100") };

interface SpecShape {
  title: { text: string; subtitle: string };
  width: number;
  height: number;
  autosize: unknown;
  data: { values: { day: string; equity: number; drawdown: number }[] };
  vconcat: [
    { layer: { mark: { type: string; point: unknown }; encoding: Record<string, { field?: string; type?: string }> }[] },
    { mark: { type: string; color: string }; encoding: Record<string, { field?: string; type?: string }> },
  ];
  config: { font: string };
}
const shape = (spec: object) => spec as SpecShape;

describe("equityChartSpec", () => {
  it("two panels over the trading days: the equity line on top, the red drawdown area below", () => {
    const spec = shape(equityChartSpec(curve("100", "110", "99", "121"), options));
    expect(spec.vconcat).toHaveLength(2);
    const [top, bottom] = spec.vconcat;
    const line = top.layer.find((l) => l.mark.type === "line")!;
    expect(line.encoding.x).toMatchObject({ field: "day", type: "temporal" });
    expect(line.encoding.y).toMatchObject({ field: "equity", type: "quantitative" });
    expect(bottom.mark).toMatchObject({ type: "area", color: DRAWDOWN_COLOR });
    expect(bottom.encoding.x).toMatchObject({ field: "day", type: "temporal" });
    expect(bottom.encoding.y).toMatchObject({ field: "drawdown", type: "quantitative" });
    expect(spec.config.font).toBe(CHART_FONT_FAMILY);
  });

  it("plots the drawdown as fractions of the peak, at or below zero", () => {
    const spec = shape(equityChartSpec(curve("100", "110", "99", "121"), options));
    expect(spec.data.values).toEqual([
      { day: "2025-03-03", equity: 100, drawdown: 0 },
      { day: "2025-03-04", equity: 110, drawdown: 0 },
      { day: "2025-03-05", equity: 99, drawdown: -0.1 },
      { day: "2025-03-06", equity: 121, drawdown: 0 },
    ]);
    expect(spec.title).toMatchObject({ text: "Desk equity", subtitle: "2025-03-03 to 2025-03-06 · 4 days · max drawdown -10.0%" });
  });

  it("asks for the whole picture's size at the top level", () => {
    const spec = shape(equityChartSpec(curve("100", "101"), options));
    expect(spec).toMatchObject({ width: 800, height: 500, autosize: { type: "fit", contains: "padding" } });
  });

  it("is deterministic and self-contained: the same points give the same spec, with no URL to load", () => {
    const a = JSON.stringify(equityChartSpec(curve("100", "110", "99"), options));
    const b = JSON.stringify(equityChartSpec(curve("100", "110", "99"), options));
    expect(a).toBe(b);
    expect(a).not.toMatch(/"url"|https?:/);
  });

  it("a single day is a single point, subtitled 'no history yet'", () => {
    const spec = shape(equityChartSpec(curve("100"), options));
    expect(spec.data.values).toEqual([{ day: "2025-03-03", equity: 100, drawdown: 0 }]);
    expect(spec.title.subtitle).toBe(NO_HISTORY_SUBTITLE);
    expect(spec.vconcat[0].layer.find((l) => l.mark.type === "line")!.mark.point).toBeTruthy();
  });

  it("no days is still a chart: empty data, subtitled 'no history yet'", () => {
    const spec = shape(equityChartSpec([], options));
    expect(spec.data.values).toEqual([]);
    expect(spec.title.subtitle).toBe(NO_HISTORY_SUBTITLE);
    expect(spec.vconcat).toHaveLength(2);
  });

  it("rejects a day that is not YYYY-MM-DD (a timestamp would shift with the time zone)", () => {
    expect(() => equityChartSpec([{ day: "2025-03-03T00:00:00Z", equity: d("1") }], options)).toThrow(/YYYY-MM-DD/);
  });
});

describe("equityChartSpec with a benchmark", () => {
  // The curve runs 2025-03-03..06; the benchmark lacks 03-05 (a day its market was shut, say).
  const strategy = curve("100", "110", "99", "121");
  const buyAndHold: EquityPoint[] = [
    { day: "2025-03-03", equity: d("95") },
    { day: "2025-03-04", equity: d("100") },
    { day: "2025-03-06", equity: d("80") },
  ];
  const withBenchmark = { ...options, equityLabel: "War Room", benchmark: { label: "buy & hold", points: buyAndHold } };

  interface Layer {
    mark: { type: string; color?: string; strokeDash?: number[]; invalid?: string };
    encoding: { y?: { field?: string }; color?: { datum: string; scale: { domain: string[]; range: string[] }; legend: unknown } };
  }
  interface BenchmarkSpec {
    data: { values: Record<string, unknown>[] };
    vconcat: [{ layer: Layer[] }, { layer: Layer[]; encoding?: unknown }];
  }
  const spec = (o: object = withBenchmark, points = strategy) => equityChartSpec(points, o as typeof options) as unknown as BenchmarkSpec;
  const lineOf = (layers: Layer[], field: string) => layers.find((l) => l.mark.type === "line" && l.encoding.y?.field === field)!;

  it("each day carries the benchmark and its drawdown from the same starting equity, null where it has no day", () => {
    // Benchmark from 100: 95 -> peak 100, -5%; 100 -> 0; 80 -> peak 100, -20%.
    expect(spec().data.values).toEqual([
      { day: "2025-03-03", equity: 100, drawdown: 0, benchmark: 95, benchmarkDrawdown: -0.05 },
      { day: "2025-03-04", equity: 110, drawdown: 0, benchmark: 100, benchmarkDrawdown: 0 },
      { day: "2025-03-05", equity: 99, drawdown: -0.1, benchmark: null, benchmarkDrawdown: null },
      { day: "2025-03-06", equity: 121, drawdown: 0, benchmark: 80, benchmarkDrawdown: -0.2 },
    ]);
  });

  it("draws the benchmark grey and dashed under the strategy's line, running over its missing days", () => {
    const top = spec().vconcat[0].layer;
    const benchmark = lineOf(top, "benchmark");
    expect(benchmark.mark).toMatchObject({ color: BENCHMARK_COLOR, strokeDash: [6, 3], invalid: "filter" });
    // Drawn first, so the strategy's line lies on top where the two cross.
    expect(top.indexOf(benchmark)).toBeLessThan(top.indexOf(lineOf(top, "equity")));
  });

  it("the drawdown panel keeps the strategy's red area and adds the benchmark's drawdown as a thin grey line", () => {
    const bottom = spec().vconcat[1].layer;
    expect(bottom.find((l) => l.mark.type === "area")!.mark.color).toBe(DRAWDOWN_COLOR);
    expect(lineOf(bottom, "benchmarkDrawdown").mark).toMatchObject({ color: BENCHMARK_COLOR, strokeWidth: 1 });
  });

  it("the drawdown scale reaches the benchmark's fall when the strategy never falls", () => {
    // Strategy 100, 101: no drawdown, which alone gets the fixed [-1%, 0] scale; the benchmark's 90 is -10%.
    const flat = spec({ ...withBenchmark, benchmark: { label: "buy & hold", points: [{ day: "2025-03-04", equity: d("90") }] } }, curve("100", "101"));
    const area = flat.vconcat[1].layer.find((l) => l.mark.type === "area")! as unknown as { encoding: { y: { scale: object } } };
    expect(area.encoding.y.scale).toEqual({ domainMax: 0, nice: true });
  });

  it("one legend names both lines, in the strategy's and the benchmark's colours", () => {
    const color = lineOf(spec().vconcat[0].layer, "equity").encoding.color!;
    expect(color.datum).toBe("War Room");
    expect(color.scale).toEqual({ domain: ["War Room", "buy & hold"], range: [EQUITY_COLOR, BENCHMARK_COLOR] });
    expect(color.legend).toMatchObject({ title: null, orient: "top" });
  });

  it("the strategy is called 'Equity' in the legend unless equityLabel says otherwise", () => {
    const unnamed = spec({ ...options, benchmark: withBenchmark.benchmark });
    expect(lineOf(unnamed.vconcat[0].layer, "equity").encoding.color!.scale.domain).toEqual(["Equity", "buy & hold"]);
  });

  it("without a benchmark the spec is the daily report's, byte for byte, whatever equityLabel says", () => {
    const plain = JSON.stringify(equityChartSpec(strategy, options));
    expect(JSON.stringify(equityChartSpec(strategy, { ...options, benchmark: undefined }))).toBe(plain);
    expect(JSON.stringify(equityChartSpec(strategy, { ...options, equityLabel: "War Room" }))).toBe(plain);
    // And it has none of the benchmark's pieces: no extra fields, no legend, a plain drawdown panel.
    expect(plain).not.toMatch(/benchmark|legend|strokeDash":\[6/);
    expect(Object.keys(shape(JSON.parse(plain)).data.values[0]!)).toEqual(["day", "equity", "drawdown"]);
  });

  it("is deterministic: the same curves give the same spec", () => {
    expect(JSON.stringify(spec())).toBe(JSON.stringify(spec()));
  });

  it("a benchmark day that is not a day of the curve throws, naming the day", () => {
    const stray = { label: "buy & hold", points: [...buyAndHold, { day: "2025-03-07", equity: d("81") }] };
    expect(() => spec({ ...withBenchmark, benchmark: stray })).toThrow(/2025-03-07/);
  });

  it("a benchmark day given twice, or a benchmark named like the strategy, throws", () => {
    const twice = { label: "buy & hold", points: [...buyAndHold, { day: "2025-03-04", equity: d("101") }] };
    expect(() => spec({ ...withBenchmark, benchmark: twice })).toThrow(/2025-03-04.*twice/);
    expect(() => spec({ ...withBenchmark, benchmark: { label: "War Room", points: buyAndHold } })).toThrow(/both named "War Room"/);
  });
});
