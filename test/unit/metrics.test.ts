import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import { formatMoney, formatPercent } from "../../src/domain/format.js";
import { computeMetrics, dailyReturns, type Metrics, type MetricsInput } from "../../src/domain/metrics.js";

const d = (v: string | number) => new Dec(v);
const trades = (...pnls: string[]) => pnls.map((pnl) => ({ pnl: d(pnl) }));
const curve = (...equities: string[]) => equities.map((equity, i) => ({ day: `2026-03-${String(i + 2).padStart(2, "0")}`, equity: d(equity) }));

function metrics(overrides: Partial<MetricsInput> = {}): Metrics {
  return computeMetrics({ trades: [], equityCurve: [], startingEquity: d("100"), ...overrides });
}

function expectDec(actual: Dec | "infinite" | null, expected: string): void {
  expect(actual instanceof Dec, `expected ${expected}, got ${String(actual)}`).toBe(true);
  expect((actual as Dec).equals(d(expected)), `expected ${expected}, got ${String(actual)}`).toBe(true);
}

/** No metric may be NaN or Infinity: "not available" is null. */
function expectAllFinite(m: Metrics): void {
  for (const [key, value] of Object.entries(m)) {
    if (value instanceof Dec) expect(value.isFinite(), key).toBe(true);
    if (typeof value === "number") expect(Number.isFinite(value), key).toBe(true);
  }
}

/** Sharpe by the textbook formula in plain floating point, independent of the module. */
function floatSharpe(equities: number[]): number {
  const returns = equities.slice(1).map((e, i) => e / equities[i]! - 1);
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1);
  return (mean / Math.sqrt(variance)) * Math.sqrt(252);
}

describe("computeMetrics: a worked example", () => {
  // Wins 100, 200; losses -50, -25; one breakeven. Equity 100 -> 110, 99, 105, 120.
  const m = metrics({ trades: trades("100", "-50", "200", "0", "-25"), equityCurve: curve("110", "99", "105", "120") });

  it("counts trades and wins: 2 wins of 5 = 0.4", () => {
    expect(m.tradeCount).toBe(5);
    expectDec(m.winRate, "0.4");
  });

  it("profit factor 300 / 75 = 4", () => {
    expectDec(m.profitFactor, "4");
  });

  it("average win 150, average loss -37.5, expectancy 225 / 5 = 45", () => {
    expectDec(m.averageWin, "150");
    expectDec(m.averageLoss, "-37.5");
    expectDec(m.expectancy, "45");
  });

  it("total return 120 / 100 - 1 = 0.2", () => {
    expectDec(m.totalReturn, "0.2");
  });

  it("max drawdown 99 / 110 - 1 = -0.1 exactly", () => {
    expectDec(m.maxDrawdown, "-0.1");
  });

  it("Sharpe matches the float formula to 10 places", () => {
    expect(m.sharpe).not.toBeNull();
    expect(m.sharpe!.toNumber()).toBeCloseTo(floatSharpe([110, 99, 105, 120]), 10);
    expectAllFinite(m);
  });
});

describe("computeMetrics: Sharpe and drawdown", () => {
  it("returns +10%, -10%, +10% give a Sharpe of exactly sqrt(21)", () => {
    // mean 1/30, sample variance 1/75, so mean/sd = sqrt(3)/6 and * sqrt(252) = sqrt(21).
    const m = metrics({ equityCurve: curve("100", "110", "99", "108.9") });
    expect(m.sharpe).not.toBeNull();
    expect(m.sharpe!.toFixed(10)).toBe(d(21).sqrt().toFixed(10));
    expect(m.sharpe!.toNumber()).toBeCloseTo(floatSharpe([100, 110, 99, 108.9]), 10);
    expect(m.sharpe!.minus(d(21).sqrt()).abs().lessThan(d("1e-30"))).toBe(true);
  });

  it("the daily returns come from consecutive equity points only", () => {
    const returns = dailyReturns(curve("100", "110", "99"));
    expect(returns?.map((r) => r.toString())).toEqual(["0.1", "-0.1"]);
  });

  it("the starting equity counts as the first peak", () => {
    const m = metrics({ equityCurve: curve("90", "95") });
    expectDec(m.maxDrawdown, "-0.1");
    expectDec(m.totalReturn, "-0.05");
  });

  it("drawdown is 0 when equity never falls below a peak", () => {
    expectDec(metrics({ equityCurve: curve("101", "101", "130") }).maxDrawdown, "0");
  });

  it("the worst of several drawdowns wins", () => {
    // 100 -> 80 is -20%; 150 -> 105 is -30%.
    expectDec(metrics({ equityCurve: curve("80", "150", "105", "140") }).maxDrawdown, "-0.3");
  });
});

describe("computeMetrics: edge cases", () => {
  it("no trades: every trade metric is null, nothing is NaN", () => {
    const m = metrics({ equityCurve: curve("100") });
    expect(m.tradeCount).toBe(0);
    expect(m.winRate).toBeNull();
    expect(m.profitFactor).toBeNull();
    expect(m.averageWin).toBeNull();
    expect(m.averageLoss).toBeNull();
    expect(m.expectancy).toBeNull();
    expectAllFinite(m);
  });

  it("no losing trade: profit factor is 'infinite' and average loss null", () => {
    const m = metrics({ trades: trades("10", "0", "30") });
    expect(m.profitFactor).toBe("infinite");
    expect(m.averageLoss).toBeNull();
    expectDec(m.averageWin, "20");
    expectDec(m.winRate, d(2).div(3).toString());
    expectDec(m.expectancy, "13.33333333333333333333333333333333333333");
    expectAllFinite(m);
  });

  it("only losing trades: profit factor 0, win rate 0", () => {
    const m = metrics({ trades: trades("-10", "-30") });
    expectDec(m.profitFactor, "0");
    expectDec(m.winRate, "0");
    expect(m.averageWin).toBeNull();
    expectDec(m.averageLoss, "-20");
  });

  it("only breakeven trades: win rate 0, profit factor null, expectancy 0", () => {
    const m = metrics({ trades: trades("0", "0.00") });
    expect(m.tradeCount).toBe(2);
    expectDec(m.winRate, "0");
    expect(m.profitFactor).toBeNull();
    expect(m.averageWin).toBeNull();
    expect(m.averageLoss).toBeNull();
    expectDec(m.expectancy, "0");
    expectAllFinite(m);
  });

  it("no equity points: total return, drawdown and Sharpe are null", () => {
    const m = metrics();
    expect(m.totalReturn).toBeNull();
    expect(m.maxDrawdown).toBeNull();
    expect(m.sharpe).toBeNull();
  });

  it("one equity point (no returns) and two (one return): Sharpe null", () => {
    expect(metrics({ equityCurve: curve("105") }).sharpe).toBeNull();
    expect(metrics({ equityCurve: curve("105", "110") }).sharpe).toBeNull();
    expectDec(metrics({ equityCurve: curve("105") }).totalReturn, "0.05");
  });

  it("constant equity: Sharpe null (zero deviation), drawdown 0, return 0", () => {
    const m = metrics({ equityCurve: curve("100", "100", "100", "100") });
    expect(m.sharpe).toBeNull();
    expectDec(m.maxDrawdown, "0");
    expectDec(m.totalReturn, "0");
    expectAllFinite(m);
  });

  it("a non-positive starting equity or equity base gives null, not Infinity", () => {
    const m = metrics({ startingEquity: d(0), equityCurve: curve("0", "10", "20") });
    expect(m.totalReturn).toBeNull();
    expect(m.maxDrawdown).toBeNull();
    expect(m.sharpe).toBeNull();
    expectAllFinite(m);
  });
});

describe("format helpers", () => {
  it("formatPercent", () => {
    expect(formatPercent(d("0.55"))).toBe("55.00%");
    expect(formatPercent(d("-0.1"))).toBe("-10.00%");
    expect(formatPercent(d("0.123456"), 3)).toBe("12.346%");
    expect(formatPercent(d("0.000125"))).toBe("0.01%"); // 0.0125 half-even -> 0.01
    expect(formatPercent(d("-0.00001"))).toBe("0.00%");
    expect(formatPercent(d("0.4"), 0)).toBe("40%");
  });

  it("formatMoney: cents half-even, thousands separators", () => {
    expect(formatMoney(d("-1234.567"))).toBe("-1,234.57");
    expect(formatMoney(d("1234567.5"))).toBe("1,234,567.50");
    expect(formatMoney(d("0.125"))).toBe("0.12");
    expect(formatMoney(d("0.135"))).toBe("0.14");
    expect(formatMoney(d("-0.004"))).toBe("0.00");
    expect(formatMoney(d("999.995"))).toBe("1,000.00");
    expect(formatMoney(d("100"))).toBe("100.00");
  });
});
