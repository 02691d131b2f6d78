/**
 * Small, dependency-free statistics and formatting helpers for the benchmarks.
 * Percentiles use the nearest-rank method on sorted samples: the p-th percentile is the
 * smallest sample such that at least p% of the samples are <= it (always a real sample).
 */

export interface Summary {
  n: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Ascending copy of the samples (the input is left untouched). */
export function sorted(samples: readonly number[]): number[] {
  return [...samples].sort((a, b) => a - b);
}

/** Nearest-rank percentile of already sorted samples; p in (0, 100]. */
export function percentileSorted(sortedSamples: ArrayLike<number>, p: number): number {
  const n = sortedSamples.length;
  if (n === 0) throw new Error("percentile of no samples");
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * n); // 1-based
  return sortedSamples[Math.min(n, Math.max(1, rank)) - 1] as number;
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  return percentileSorted(Float64Array.from(samples).sort(), p);
}

export function summarize(samples: readonly number[]): Summary {
  const s = Float64Array.from(samples).sort();
  if (s.length === 0) throw new Error("summary of no samples");
  let total = 0;
  for (const v of s) total += v;
  return {
    n: s.length,
    min: s[0] as number,
    mean: total / s.length,
    p50: percentileSorted(s, 50),
    p95: percentileSorted(s, 95),
    p99: percentileSorted(s, 99),
    max: s[s.length - 1] as number,
  };
}

/** Milliseconds elapsed since a process.hrtime.bigint() reading. */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs `fn` `iterations` times sequentially and returns each call's latency in ms. */
export async function timeCalls(iterations: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples = new Array<number>(iterations);
  for (let i = 0; i < iterations; i += 1) {
    const start = process.hrtime.bigint();
    await fn(i);
    samples[i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return samples;
}

/** 0.123 ms / 12.3 ms / 1234 ms: three significant-ish digits. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 100) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(0)} ms`;
}

/** 1,234,567 */
export function formatInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

export function formatRate(perSecond: number, unit: string): string {
  return `${formatInt(perSecond)} ${unit}/s`;
}

export function formatSummary(s: Summary): string {
  return `n=${formatInt(s.n)}  p50=${formatMs(s.p50)}  p95=${formatMs(s.p95)}  p99=${formatMs(s.p99)}  max=${formatMs(s.max)}  mean=${formatMs(s.mean)}`;
}

/** Left-aligned text table with a header rule; every row must have the header's length. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...rows.map(line)].join("\n");
}

export type Status = "PASS" | "FAIL" | "info";

/** PASS when `value <= target` (latencies) or `value >= target` (throughputs). */
export function check(value: number, op: "<=" | ">=", target: number): Status {
  return (op === "<=" ? value <= target : value >= target) ? "PASS" : "FAIL";
}
