import { renderAsync } from "@resvg/resvg-js";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { buildChartPng, renderChartPng, renderChartSvg, svgToPng } from "../../src/adapters/charts/render-chart.js";
import { equityChartSpec, type EquityPoint } from "../../src/app/reports/chart-spec.js";
import { Dec } from "../../src/domain/decimal.js";

/** `count` weekdays from `first` on, as YYYY-MM-DD. */
function tradingDays(first: string, count: number): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); days.length < count; t += 86_400_000) {
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

const YEAR = tradingDays("2025-01-02", 252);
/** A year that rises with two dips: a drawdown of about 7% each time. */
const wavy: EquityPoint[] = YEAR.map((day, i) => ({ day, equity: new Dec(100_000 + Math.round(5_000 * Math.sin(i / 20)) + 40 * i).plus("0.37") }));
/** A year that only rises: never below its peak. */
const rising: EquityPoint[] = YEAR.map((day, i) => ({ day, equity: new Dec(100_000).plus(new Dec(i).times("123.45")) }));

const base = { title: "War Room: equity and drawdown", width: 800, height: 500, startingEquity: new Dec(100_000) };

interface Image {
  width: number;
  height: number;
  pixel(x: number, y: number): [number, number, number];
}
function decode(png: Buffer): Image {
  const { width, height, data } = PNG.sync.read(png);
  return { width, height, pixel: (x, y) => [data[(y * width + x) * 4]!, data[(y * width + x) * 4 + 1]!, data[(y * width + x) * 4 + 2]!] };
}
/** Pixels in [x0, x1) x [y0, y1) for which `test` holds. */
function count(img: Image, test: (rgb: [number, number, number]) => boolean, region = { x0: 0, y0: 0, x1: img.width, y1: img.height }): number {
  let n = 0;
  for (let y = region.y0; y < region.y1; y++) for (let x = region.x0; x < region.x1; x++) if (test(img.pixel(x, y))) n++;
  return n;
}
const isRed = ([r, g, b]: [number, number, number]) => r >= 150 && r - g >= 60 && r - b >= 60;
const isWhite = ([r, g, b]: [number, number, number]) => r >= 250 && g >= 250 && b >= 250;
const isDark = ([r, g, b]: [number, number, number]) => r + g + b < 3 * 90;
function distinctColours(img: Image): number {
  const seen = new Set<number>();
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) seen.add((img.pixel(x, y)[0] << 16) | (img.pixel(x, y)[1] << 8) | img.pixel(x, y)[2]);
  return seen.size;
}
/**
 * At least this many more mid-grey pixels where a benchmark is drawn: its dashed line crosses about
 * 760 pixels, two thirds of them inked; 325 came out squarely mid-grey when this was written, 0 without.
 */
const BENCHMARK_GREY_PIXELS = 150;
/** The title line: the top 26 CSS pixels, left of the middle. */
const titleRegion = (img: Image, scale = 1) => ({ x0: 0, y0: 0, x1: Math.floor(img.width / 2), y1: 26 * scale });

describe("renderChartPng: a year of the daily report's chart, without a browser", () => {
  it("renders 252 trading days at exactly the size asked, scale 1 and 2", async () => {
    const spec = equityChartSpec(wavy, base);
    const warnings: string[] = [];
    const started = performance.now();
    const png = await renderChartPng(spec, { onWarning: (w) => warnings.push(w) });
    const coldMs = performance.now() - started;
    const timings: Record<number, number[]> = { 1: [], 2: [] };
    let png2 = png;
    for (let run = 0; run < 3; run++) {
      for (const scale of [1, 2]) {
        const t = performance.now();
        const out = await renderChartPng(spec, { scale });
        timings[scale]!.push(performance.now() - t);
        if (scale === 2) png2 = out;
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(0);
    console.log(
      `chart of ${wavy.length} days: first render ${coldMs.toFixed(0)} ms; then median ${median(timings[1]!)} ms at scale 1 ` +
        `(800x500, ${png.length} bytes), ${median(timings[2]!)} ms at scale 2 (1600x1000, ${png2.length} bytes)`,
    );

    expect(warnings).toEqual([]);
    const img = decode(png);
    expect([img.width, img.height]).toEqual([800, 500]);
    const img2 = decode(png2);
    expect([img2.width, img2.height]).toEqual([1600, 1000]);
    // Fractional scales round to whole pixels.
    const img15 = decode(await renderChartPng(spec, { scale: 1.5 }));
    expect([img15.width, img15.height]).toEqual([1200, 750]);
  });

  it("other sizes come out exact too: the SVG is width x height whatever the labels take", async () => {
    for (const [width, height] of [
      [640, 360],
      [1200, 700],
      [400, 300],
    ] as const) {
      const svg = await renderChartSvg(equityChartSpec(wavy, { ...base, width, height }));
      expect(svg).toMatch(new RegExp(`^<svg[^>]* width="${width}" height="${height}"`));
      const img = decode(await buildChartPng(wavy, { ...base, width, height }));
      expect([img.width, img.height]).toEqual([width, height]);
    }
  });

  it("is not blank: many colours, more than 5% of the pixels not white", async () => {
    const img = decode(await buildChartPng(wavy, base));
    expect(distinctColours(img)).toBeGreaterThan(50);
    expect(count(img, (p) => !isWhite(p))).toBeGreaterThan(0.05 * img.width * img.height);
  });

  it("a curve with drawdowns has red in the lower half; one that only rises has no red at all", async () => {
    const dipping = decode(await buildChartPng(wavy, base));
    const lowerHalf = { x0: 0, y0: dipping.height / 2, x1: dipping.width, y1: dipping.height };
    const upperHalf = { x0: 0, y0: 0, x1: dipping.width, y1: dipping.height / 2 };
    expect(count(dipping, isRed, lowerHalf)).toBeGreaterThan(5_000);
    expect(count(dipping, isRed, upperHalf)).toBe(0);

    const up = decode(await buildChartPng(rising, base));
    expect(count(up, isRed)).toBe(0);
    // Drawn all the same: the line, the axes, the labels (a line alone inks less than the year with dips).
    expect(count(up, (p) => !isWhite(p))).toBeGreaterThan(0.02 * up.width * up.height);
  });

  it("draws text: dark pixels where the title is", async () => {
    const img = decode(await buildChartPng(wavy, base));
    expect(count(img, isDark, titleRegion(img))).toBeGreaterThan(300);
    const img2 = decode(await buildChartPng(wavy, { ...base, scale: 2 }));
    expect(count(img2, isDark, titleRegion(img2, 2))).toBeGreaterThan(4 * 300);
  });

  it("the text comes from the shipped DejaVu Sans: the same picture with or without the machine's fonts", async () => {
    const svg = await renderChartSvg(equityChartSpec(wavy, base));
    const shippedOnly = await svgToPng(svg, { systemFonts: false });
    const withSystem = await svgToPng(svg, { systemFonts: true });
    expect(shippedOnly.equals(withSystem)).toBe(true);
    expect(count(decode(shippedOnly), isDark, titleRegion(decode(shippedOnly)))).toBeGreaterThan(300);

    // The control: with no font at all resvg draws no text, so the title region is empty.
    const fontless = decode((await renderAsync(svg, { font: { loadSystemFonts: false, fontFiles: [] } })).asPng());
    expect(count(fontless, isDark, titleRegion(fontless))).toBe(0);
  });

  it("renders an empty curve and a single day", async () => {
    const empty = decode(await buildChartPng([], base));
    expect([empty.width, empty.height]).toEqual([800, 500]);
    expect(count(empty, isDark, titleRegion(empty))).toBeGreaterThan(300);
    expect(count(empty, isRed)).toBe(0);

    const one = decode(await buildChartPng(wavy.slice(0, 1), base));
    expect([one.width, one.height]).toEqual([800, 500]);
    expect(count(one, isDark, titleRegion(one))).toBeGreaterThan(300);
  });

  it("renders a benchmark at the size asked, a grey line in the equity panel that is not there without it", async () => {
    // Buy and hold of the same 100,000: a steadier climb than the wavy curve, every day of the year.
    const holding: EquityPoint[] = YEAR.map((day, i) => ({ day, equity: new Dec(100_000).plus(new Dec(i).times("61.5")) }));
    const options = { ...base, width: 900, height: 500, equityLabel: "War Room", benchmark: { label: "buy & hold", points: holding } };
    const warnings: string[] = [];
    const img = decode(await buildChartPng(wavy, { ...options, onWarning: (w) => warnings.push(w) }));
    expect(warnings).toEqual([]);
    expect([img.width, img.height]).toEqual([900, 500]);

    // Mid greys around the benchmark's #888888, darker than the #999999 starting-equity rule and the
    // light grid, right of the y axis, between the legend and the drawdown panel.
    const isMidGrey = ([r, g, b]: [number, number, number]) => Math.max(r, g, b) - Math.min(r, g, b) <= 6 && r >= 100 && r <= 145;
    const equityPanel = { x0: 120, y0: 70, x1: 880, y1: 300 };
    const without = decode(await buildChartPng(wavy, { ...base, width: 900, height: 500 }));
    expect(count(img, isMidGrey, equityPanel) - count(without, isMidGrey, equityPanel)).toBeGreaterThan(BENCHMARK_GREY_PIXELS);
  });

  it("loads nothing: a spec that points at a URL fails instead of fetching it", async () => {
    const spec = { data: { url: "http://127.0.0.1:9/equity.json" }, mark: "line", encoding: { x: { field: "a", type: "quantitative" } } };
    await expect(renderChartSvg(spec)).rejects.toThrow(/refused to load/);
  });
});
