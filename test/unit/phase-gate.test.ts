import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import type { Metrics } from "../../src/domain/metrics.js";
import { evaluatePromotionGate } from "../../src/domain/phase-gate.js";

function metrics(overrides: Partial<Metrics> = {}): Metrics {
  return {
    tradeCount: 40,
    winRate: new Dec("0.6"),
    profitFactor: new Dec("2"),
    averageWin: new Dec("100"),
    averageLoss: new Dec("-50"),
    expectancy: new Dec("40"),
    totalReturn: new Dec("0.12"),
    maxDrawdown: new Dec("-0.08"),
    sharpe: new Dec("1.4"),
    ...overrides,
  };
}

const failed = (days: number, m: Metrics) => evaluatePromotionGate({ days, metrics: m }).checks.filter((c) => !c.passed).map((c) => c.gate);

describe("evaluatePromotionGate", () => {
  it("passes a record that meets every target, showing value and target per gate", () => {
    const verdict = evaluatePromotionGate({ days: 120, metrics: metrics() });
    expect(verdict.passed).toBe(true);
    expect(verdict.checks).toEqual([
      { gate: "days", label: "days of record", value: "120", target: ">= 90", passed: true },
      { gate: "closed_trades", label: "closed trades", value: "40", target: ">= 30", passed: true },
      { gate: "win_rate", label: "win rate", value: "60.00%", target: ">= 55.00%", passed: true },
      { gate: "profit_factor", label: "profit factor", value: "2.00", target: ">= 1.50", passed: true },
      { gate: "max_drawdown", label: "max drawdown", value: "-8.00%", target: ">= -15.00%", passed: true },
    ]);
  });

  it("passes exactly at every target", () => {
    const m = metrics({ tradeCount: 30, winRate: new Dec("0.55"), profitFactor: new Dec("1.5"), maxDrawdown: new Dec("-0.15") });
    expect(evaluatePromotionGate({ days: 90, metrics: m }).passed).toBe(true);
  });

  it("fails each gate just past its target, and says which", () => {
    expect(failed(89, metrics())).toEqual(["days"]);
    expect(failed(90, metrics({ tradeCount: 29 }))).toEqual(["closed_trades"]);
    expect(failed(90, metrics({ winRate: new Dec("0.54999") }))).toEqual(["win_rate"]);
    expect(failed(90, metrics({ profitFactor: new Dec("1.4999") }))).toEqual(["profit_factor"]);
    expect(failed(90, metrics({ maxDrawdown: new Dec("-0.150001") }))).toEqual(["max_drawdown"]);
  });

  it("never shows a failing value as if it met its target", () => {
    const checks = evaluatePromotionGate({ days: 90, metrics: metrics({ winRate: new Dec("0.54999"), profitFactor: new Dec("1.4999"), maxDrawdown: new Dec("-0.150001") }) }).checks;
    expect(checks.map((c) => c.value).slice(2)).toEqual(["54.99%", "1.49", "-15.01%"]);
    // Away from the line, values round half-even as in every report.
    const far = evaluatePromotionGate({ days: 90, metrics: metrics({ winRate: new Dec("0.555555"), profitFactor: new Dec("1.675"), maxDrawdown: new Dec("-0.111050") }) }).checks;
    expect(far.map((c) => c.value).slice(2)).toEqual(["55.56%", "1.68", "-11.10%"]);
  });

  it("fails metrics that could not be computed, and passes a profit factor with no losses", () => {
    const none = metrics({ tradeCount: 0, winRate: null, profitFactor: null, maxDrawdown: null });
    const verdict = evaluatePromotionGate({ days: 200, metrics: none });
    expect(verdict.passed).toBe(false);
    expect(verdict.checks.filter((c) => c.value === "n/a").map((c) => c.gate)).toEqual(["win_rate", "profit_factor", "max_drawdown"]);
    expect(failed(90, metrics({ profitFactor: "infinite" }))).toEqual([]);
    expect(failed(Number.NaN, metrics())).toEqual(["days"]);
  });
});
