import { createRequire } from "node:module";
import { renderAsync, type ResvgRenderOptions } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { CHART_FONT_FAMILY, equityChartSpec, type EquityChartOptions, type EquityPoint } from "../../app/reports/chart-spec.js";

/**
 * Charts without a browser: a vega-lite spec is compiled to vega, laid out by a headless vega View
 * (renderer "none"), written out as SVG and rasterised to PNG by resvg (a native addon that ships
 * inside its npm package).
 *
 * Nothing here reaches the network: the View's loader refuses every URL and file, so a spec has to
 * carry its data inline (`data: { values }`), and an attempt to load anything fails the render.
 *
 * Fonts: the text is drawn with DejaVu Sans from the dejavu-fonts-ttf package (TrueType, which
 * resvg needs; the @fontsource packages ship only woff/woff2), so a machine without any fonts
 * installed (a slim container, a fresh CI machine) draws the same letters. System fonts are loaded
 * as well by default, as a fallback for characters DejaVu lacks.
 */

export interface RenderChartOptions {
  /** Device pixels per CSS pixel of the spec: 2 gives a PNG twice as wide and twice as high. Default 1. */
  scale?: number;
  /** Also load the machine's fonts, as a fallback after the shipped DejaVu Sans. Default true. */
  systemFonts?: boolean;
  /** Receives vega-lite's and vega's warnings, which are otherwise dropped. */
  onWarning?: (message: string) => void;
}

const require = createRequire(import.meta.url);

/** The TrueType files every render loads: DejaVu Sans, upright and oblique, book and bold. */
export const CHART_FONT_FILES: readonly string[] = [
  "DejaVuSans.ttf",
  "DejaVuSans-Bold.ttf",
  "DejaVuSans-Oblique.ttf",
  "DejaVuSans-BoldOblique.ttf",
].map((file) => require.resolve(`dejavu-fonts-ttf/ttf/${file}`));

/**
 * A loader that loads nothing: every request a spec makes (data URL, image, file) is refused and
 * written down, so the render can fail (vega itself only warns and draws the chart without the data).
 */
function offlineLoader(refused: string[]): vega.Loader {
  const refuse = (what: string): Promise<never> => {
    refused.push(what);
    return Promise.reject(new Error(`charts are rendered offline: refused to load "${what}"`));
  };
  return { load: (uri) => refuse(uri), sanitize: (uri) => refuse(uri), http: (uri) => refuse(uri), file: (filename) => refuse(filename) };
}

/**
 * The SVG of a vega-lite spec.
 *
 * Size: vega-lite honours `autosize: "fit"` only for single and layered views. For a vconcat or
 * hconcat whose top level asks `autosize` "fit" with a numeric `width` and `height`, the panels'
 * sizes are corrected after a first layout by what the whole came out over or under (axis labels
 * and titles take room that is only known then), so the SVG is exactly `width` x `height`; should
 * a layout still be a pixel or two off after a few tries, the canvas is cut or extended to the size.
 */
export async function renderChartSvg(spec: object, options: Pick<RenderChartOptions, "onWarning"> = {}): Promise<string> {
  const target = fitTarget(spec);
  if (!target) return specToSvg(spec, options.onWarning);

  let current: Record<string, unknown> = { ...(spec as Record<string, unknown>), autosize: { type: "pad" } };
  delete current.width;
  delete current.height;
  let svg = "";
  for (let attempt = 0; attempt < 4; attempt++) {
    svg = await specToSvg(current, options.onWarning);
    const size = svgSize(svg);
    if (!size) return svg;
    const dw = target.width - size.width;
    const dh = target.height - size.height;
    if (dw === 0 && dh === 0) return svg;
    current = resizePanels(current, dw, dh);
  }
  return setSvgSize(svg, target);
}

/** The PNG of a vega-lite spec: `renderChartSvg`, rasterised at `scale` (default 1). */
export async function renderChartPng(spec: object, options: RenderChartOptions = {}): Promise<Buffer> {
  const svg = await renderChartSvg(spec, options);
  return svgToPng(svg, options);
}

/** The daily report's chart, equity over drawdown, as a PNG of `options.width * scale` x `options.height * scale` pixels. */
export async function buildChartPng(
  points: readonly EquityPoint[],
  options: EquityChartOptions & RenderChartOptions,
): Promise<Buffer> {
  return renderChartPng(equityChartSpec(points, options), options);
}

/** Rasterises an SVG with the shipped fonts (and, unless `systemFonts` is false, the machine's). */
export async function svgToPng(svg: string, options: Pick<RenderChartOptions, "scale" | "systemFonts"> = {}): Promise<Buffer> {
  const scale = options.scale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`scale must be a positive number, got ${scale}`);
  const resvgOptions: ResvgRenderOptions = {
    fitTo: { mode: "zoom", value: scale },
    font: {
      loadSystemFonts: options.systemFonts ?? true,
      fontFiles: [...CHART_FONT_FILES],
      defaultFontFamily: CHART_FONT_FAMILY,
      sansSerifFamily: CHART_FONT_FAMILY,
    },
    logLevel: "off",
  };
  const image = await renderAsync(svg, resvgOptions);
  return image.asPng();
}

async function specToSvg(spec: object, onWarning: ((message: string) => void) | undefined): Promise<string> {
  const errors: string[] = [];
  const refused: string[] = [];
  const logger = collectingLogger(errors, onWarning);
  const compiled = compile(spec as TopLevelSpec, { logger });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: "none", loader: offlineLoader(refused), logger, logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    if (refused.length > 0) {
      throw new Error(`charts are rendered offline: refused to load ${refused.map((r) => `"${r}"`).join(", ")}; put the data inline`);
    }
    if (errors.length > 0) throw new Error(`chart rendering failed: ${errors.join("; ")}`);
    return svg;
  } finally {
    view.finalize();
  }
}

function collectingLogger(errors: string[], onWarning: ((message: string) => void) | undefined): vega.LoggerInterface {
  let level = vega.Warn;
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ");
  const logger: vega.LoggerInterface = {
    level(next?: number) {
      if (next === undefined) return level;
      level = next;
      return logger;
    },
    error(...args: unknown[]) {
      errors.push(text(args));
      return logger;
    },
    warn(...args: unknown[]) {
      onWarning?.(text(args));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

interface Size {
  width: number;
  height: number;
}

function fitTarget(spec: object): Size | undefined {
  const s = spec as Record<string, unknown>;
  const autosize = s.autosize;
  const type = typeof autosize === "string" ? autosize : (autosize as { type?: unknown } | undefined)?.type;
  if (type !== "fit") return undefined;
  if (typeof s.width !== "number" || typeof s.height !== "number") return undefined;
  if (!Array.isArray(s.vconcat) && !Array.isArray(s.hconcat)) return undefined;
  return { width: s.width, height: s.height };
}

/**
 * Grows (or shrinks) the panels of a concat by what the whole is short (or over): along the
 * concat's direction the difference is shared in proportion to the panels' sizes, across it every
 * panel takes all of it.
 */
function resizePanels(spec: Record<string, unknown>, dw: number, dh: number): Record<string, unknown> {
  const vertical = Array.isArray(spec.vconcat);
  const key = vertical ? "vconcat" : "hconcat";
  const panels = spec[key] as Record<string, unknown>[];
  const along = vertical ? "height" : "width";
  const across = vertical ? "width" : "height";
  const dAlong = vertical ? dh : dw;
  const dAcross = vertical ? dw : dh;
  const sizes = panels.map((p) => (typeof p[along] === "number" ? p[along] : 0));
  const total = sizes.reduce((a, b) => a + b, 0);
  const shares = sizes.map((size) => (total > 0 ? Math.round((dAlong * size) / total) : 0));
  // Rounding leftovers go to the largest panel, so the shares add up to the whole difference.
  const largest = sizes.indexOf(Math.max(...sizes));
  if (largest >= 0) shares[largest]! += dAlong - shares.reduce((a, b) => a + b, 0);
  const resized = panels.map((panel, i) => {
    const next = { ...panel };
    if (typeof panel[along] === "number") next[along] = Math.max(1, panel[along] + shares[i]!);
    if (typeof panel[across] === "number") next[across] = Math.max(1, panel[across] + dAcross);
    return next;
  });
  return { ...spec, [key]: resized };
}

const SVG_HEADER = /^(<svg\b[^>]*?\bwidth=")([\d.]+)("\s+height=")([\d.]+)(")/;

function svgSize(svg: string): Size | undefined {
  const match = SVG_HEADER.exec(svg);
  if (!match) return undefined;
  return { width: Number(match[2]), height: Number(match[4]) };
}

/** Sets the canvas of vega's SVG to `size` (cutting or extending the right and bottom edges). */
function setSvgSize(svg: string, size: Size): string {
  const { width, height } = size;
  return svg
    .replace(SVG_HEADER, (_m, a: string, _w, b: string, _h, c: string) => `${a}${width}${b}${height}${c}`)
    .replace(/(<svg\b[^>]*?\bviewBox=")0 0 [\d.]+ [\d.]+(")/, (_m, a: string, b: string) => `${a}0 0 ${width} ${height}${b}`)
    .replace(
      /(<svg\b[^>]*>\s*<rect\b[^>]*?\bwidth=")[\d.]+("\s+height=")[\d.]+(")/,
      (_m, a: string, b: string, c: string) => `${a}${width}${b}${height}${c}`,
    );
}
