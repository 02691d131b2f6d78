import { describe, expect, it } from "vitest";
import { BacktestInputError } from "../../src/domain/backtest/bar.js";
import { computePerformance, type Performance, type PerformanceInput } from "../../src/domain/backtest/performance.js";
import { Dec } from "../../src/domain/decimal.js";
import { computeMetrics, type EquityPoint } from "../../src/domain/metrics.js";

const d = (v: string | number | Dec) => new Dec(v);

/** Day i of the run as YYYY-MM-DD: consecutive calendar days from 2026-01-01 (the calendar does not matter here). */
function day(i: number): string {
  return new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10);
}

const curve = (...equities: (string | number)[]): EquityPoint[] => equities.map((equity, i) => ({ day: day(i), equity: d(equity) }));
const positions = (...values: (string | number)[]) => values.map((value, i) => ({ day: day(i), positionsValue: d(value) }));
const fill = (gross: string, commission: string, slippageCost: string) => ({ gross: d(gross), commission: d(commission), slippageCost: d(slippageCost) });

/** A run with the given curve, no positions and no fills unless overridden. */
function performance(equities: (string | number)[], overrides: Partial<PerformanceInput> = {}): Performance {
  return computePerformance({
    startingEquity: d(100),
    equityCurve: curve(...equities),
    exposureCurve: positions(...equities.map(() => 0)),
    fills: [],
    ...overrides,
  });
}

function expectDec(actual: Dec | null, expected: string | Dec): void {
  expect(actual instanceof Dec, `expected ${expected.toString()}, got ${String(actual)}`).toBe(true);
  expect((actual as Dec).equals(d(expected)), `expected ${expected.toString()}, got ${String(actual)}`).toBe(true);
}

/** Equal to 30 decimal places: sqrt and fractional powers are exact only to Dec's 40 digits. */
function expectNear(actual: Dec | null, expected: string | Dec): void {
  expect(actual instanceof Dec, `expected ${expected.toString()}, got ${String(actual)}`).toBe(true);
  const gap = (actual as Dec).minus(expected).abs();
  expect(gap.lessThan("1e-30"), `expected ${expected.toString()}, got ${String(actual)}`).toBe(true);
}

/** No metric may be NaN or Infinity: "not available" is null. */
function expectAllFinite(p: Performance): void {
  for (const [key, value] of Object.entries(p)) {
    if (value instanceof Dec) expect(value.isFinite(), key).toBe(true);
  }
}

describe("computePerformance: a worked example", () => {
  // Start 100; end-of-day equity 100, 110, 99, 108.9 on 4 days. Daily returns (between points):
  // +0.1, -0.1, +0.1. Positions 0, 55, 99, 0. Three fills: buy 55, buy 44, sell 99.
  const p = performance([100, 110, 99, "108.9"], {
    exposureCurve: positions(0, 55, 99, 0),
    fills: [fill("55.00", "1.00", "0.05"), fill("44.00", "1.00", "0.0125"), fill("99.00", "1.50", "0.099")],
  });

  it("CAGR: (108.9 / 100)^(252 / 4) - 1 = 1.089^63 - 1 ~ 214.157", () => {
    expectNear(p.cagr, d("1.089").pow(63).minus(1));
    expectNear(p.cagr, "214.1574679037582310096973344986426788071");
  });

  it("volatility: mean 1/30; deviations 1/15, -2/15, 1/15 -> squares 6/225; / (3 - 1) = 1/75; x 252 = 3.36; sqrt ~ 1.8330", () => {
    expectNear(p.volatility, d("3.36").sqrt());
    expectNear(p.volatility, "1.833030277982336002635218877491203395594");
  });

  it("Sortino: downside deviation sqrt(0.01 / 3); (1/30) / sqrt(1/300) = sqrt(1/3); x sqrt(252) = sqrt(84) ~ 9.1652", () => {
    expectNear(p.sortino, d(84).sqrt());
    expectNear(p.sortino, "9.165151389911680013176094387456016977969");
  });

  it("exposure: 0/100, 55/110, 99/99, 0/108.9 = 0, 0.5, 1, 0 -> mean 0.375", () => {
    expectDec(p.exposure, "0.375");
  });

  it("time in market: positions on 2 of 4 days = 0.5", () => {
    expectDec(p.timeInMarket, "0.5");
  });

  it("turnover: traded 198, half 99; mean equity 417.9 / 4 = 104.475; 99 / 104.475 x 252 / 4 = 6237 / 104.475 ~ 59.698", () => {
    expectNear(p.turnover, d(6237).div("104.475"));
    expectNear(p.turnover, "59.69849246231155778894472361809045226131");
  });

  it("costs: commission 1 + 1 + 1.5 = 3.5, slippage 0.05 + 0.0125 + 0.099 = 0.1615, traded 55 + 44 + 99 = 198", () => {
    expectDec(p.commissionPaid, "3.5");
    expectDec(p.slippagePaid, "0.1615");
    expectDec(p.tradedValue, "198");
  });

  it("is all finite", () => {
    expectAllFinite(p);
  });
});

describe("computePerformance: CAGR", () => {
  it("over exactly 252 trading days equals the total return", () => {
    // 252 points wandering between 95 and 105, ending at 123.45: the exponent is 252 / 252 = 1.
    const equities = Array.from({ length: 252 }, (_, i) => (i === 251 ? "123.45" : 100 + ((i * 7) % 11) - 5));
    const equityCurve = curve(...equities);
    const total = computeMetrics({ trades: [], equityCurve, startingEquity: d(100) }).totalReturn;
    const p = performance(equities);
    expectDec(p.cagr, "0.2345");
    expectDec(p.cagr, total!);
  });

  it("over half a year (126 days) compounds: 1.1^2 - 1 = 0.21", () => {
    const equities = Array.from({ length: 126 }, (_, i) => (i === 125 ? 110 : 100));
    expectDec(performance(equities).cagr, "0.21");
  });

  it("over two years (504 days) takes the root: 2^(1/2) - 1 ~ 0.41421", () => {
    const equities = Array.from({ length: 504 }, (_, i) => (i === 503 ? 200 : 100));
    expectNear(performance(equities).cagr, d(2).sqrt().minus(1));
  });

  it("is 0 on a curve that ends where it started", () => {
    expectDec(performance([100, 120, 100]).cagr, "0");
  });

  it("is null with a non-positive start or final equity", () => {
    expect(performance([100, 110], { startingEquity: d(0) }).cagr).toBeNull();
    expect(performance([100, 110], { startingEquity: d(-5) }).cagr).toBeNull();
    expect(performance([100, 0]).cagr).toBeNull();
    expect(performance([100, -10]).cagr).toBeNull();
  });
});

describe("computePerformance: volatility and Sortino", () => {
  it("a flat curve has volatility 0 and no Sortino (no losing day)", () => {
    const p = performance([100, 100, 100]);
    expectDec(p.volatility, "0");
    expect(p.sortino).toBeNull();
  });

  it("no negative return: volatility exists, Sortino is null", () => {
    // Returns 0.01 and 0.02: mean 0.015, deviations +-0.005, sample variance 0.00005, x 252 = 0.0126.
    const p = performance([100, 101, "103.02"]);
    expectNear(p.volatility, d("0.0126").sqrt());
    expect(p.sortino).toBeNull();
  });

  it("a zero mean with a loss gives Sortino 0, not null", () => {
    // 110 -> 99 -> 108.9: returns -0.1, +0.1, mean 0; downside deviation sqrt(0.01 / 2).
    // Sample variance (0.01 + 0.01) / 1 = 0.02, x 252 = 5.04.
    const p = performance([110, 99, "108.9"]);
    expectDec(p.sortino, "0");
    expectNear(p.volatility, d("5.04").sqrt());
  });

  it("a losing run has a negative Sortino", () => {
    // Returns -0.1, -0.1: mean -0.1; downside deviation sqrt((0.01 + 0.01) / 2) = 0.1; -1 x sqrt(252).
    const p = performance([100, 90, 81]);
    expectNear(p.sortino, d(252).sqrt().neg());
    expectDec(p.volatility, "0");
  });

  it("both are null with fewer than 2 returns", () => {
    for (const equities of [[], [100], [100, 90]]) {
      const p = performance(equities);
      expect(p.volatility, String(equities)).toBeNull();
      expect(p.sortino, String(equities)).toBeNull();
    }
  });

  it("both are null when an equity to return from is not positive", () => {
    const p = performance([100, 0, 50, 40]);
    expect(p.volatility).toBeNull();
    expect(p.sortino).toBeNull();
    expectAllFinite(p);
  });
});

describe("computePerformance: exposure, time in market, turnover", () => {
  it("one point: a CAGR from one day, no returns, exposure and time in market from that day", () => {
    // 1.05^(252 / 1) - 1; positions 50 of 105 = 10/21; one day of one invested = 1.
    const p = performance([105], { exposureCurve: positions(50) });
    expectNear(p.cagr, d("1.05").pow(252).minus(1));
    expect(p.volatility).toBeNull();
    expect(p.sortino).toBeNull();
    expectNear(p.exposure, d(10).div(21));
    expectDec(p.timeInMarket, "1");
    expectDec(p.turnover, "0");
  });

  it("exposure is null with a non-positive equity day; time in market still counts", () => {
    const p = performance([100, 0, 100], { exposureCurve: positions(10, 0, 0) });
    expect(p.exposure).toBeNull();
    expectNear(p.timeInMarket, d(1).div(3));
  });

  it("turnover: a constant 1000 book trading 2000 over a year turns over once", () => {
    // (2000 / 2) / 1000 / (252 / 252) = 1.
    const equities = Array.from({ length: 252 }, () => 1000);
    const p = performance(equities, { startingEquity: d(1000), fills: [fill("1200", "1", "0"), fill("800", "1", "0.4")] });
    expectDec(p.turnover, "1");
  });

  it("turnover is annualized: the same trading in 126 days is twice the rate", () => {
    const equities = Array.from({ length: 126 }, () => 1000);
    const p = performance(equities, { startingEquity: d(1000), fills: [fill("2000", "0", "0")] });
    expectDec(p.turnover, "2");
  });

  it("turnover is null with a non-positive mean equity", () => {
    expect(performance([10, -30], { fills: [fill("5", "0", "0")] }).turnover).toBeNull();
    expect(performance([10, -10]).turnover).toBeNull();
  });
});

describe("computePerformance: empty inputs", () => {
  it("zero fills: costs and traded value are 0, turnover 0", () => {
    const p = performance([100, 101, 99]);
    expectDec(p.commissionPaid, "0");
    expectDec(p.slippagePaid, "0");
    expectDec(p.tradedValue, "0");
    expectDec(p.turnover, "0");
  });

  it("no days: every ratio is null, the sums are 0", () => {
    const p = performance([]);
    expect(p).toEqual({
      cagr: null,
      volatility: null,
      sortino: null,
      exposure: null,
      timeInMarket: null,
      turnover: null,
      commissionPaid: d(0),
      slippagePaid: d(0),
      tradedValue: d(0),
    });
  });
});

describe("computePerformance: the two curves must share their days", () => {
  const equityCurve = curve(100, 101, 102);

  function run(exposureCurve: PerformanceInput["exposureCurve"]): () => Performance {
    return () => computePerformance({ startingEquity: d(100), equityCurve, exposureCurve, fills: [] });
  }

  it("refuses a different day, naming it", () => {
    const shifted = [...positions(0, 0), { day: "2026-02-01", positionsValue: d(0) }];
    expect(run(shifted)).toThrow(BacktestInputError);
    expect(run(shifted)).toThrow(/2026-01-03/);
  });

  it("refuses the same days out of order, naming the first", () => {
    const [a, b, c] = positions(0, 0, 0);
    expect(run([a!, c!, b!])).toThrow(/day 2026-01-02/);
  });

  it("refuses a missing day at the end, naming it", () => {
    expect(run(positions(0, 0))).toThrow(/day 2026-01-03/);
  });

  it("refuses an extra day, naming it", () => {
    expect(run(positions(0, 0, 0, 0))).toThrow(/day 2026-01-04/);
  });

  it("refuses an exposure curve for a run with no equity days", () => {
    const fn = () => computePerformance({ startingEquity: d(100), equityCurve: [], exposureCurve: positions(0), fills: [] });
    expect(fn).toThrow(BacktestInputError);
    expect(fn).toThrow(/day 2026-01-01/);
  });
});
