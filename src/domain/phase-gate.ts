import { Dec } from "./decimal.js";
import { formatPercent } from "./format.js";
import type { Metrics } from "./metrics.js";

/**
 * The promotion gate out of shadow trading: a paper record earns real (micro) orders only when
 * every gate passes. Pure; a metric that could not be computed (null) fails its gate, because
 * "no evidence" is not evidence of an edge.
 */

export interface PromotionTargets {
  /** Trading days of paper record (market-calendar.ts tradingDaysBetween), never calendar days. */
  minDays: number;
  minClosedTrades: number;
  /** Fraction 0..1. */
  minWinRate: Dec;
  minProfitFactor: Dec;
  /** Worst acceptable drawdown, a fraction <= 0 (-0.15 = -15%). */
  worstDrawdown: Dec;
}

export const PROMOTION_TARGETS: Readonly<PromotionTargets> = {
  minDays: 90,
  minClosedTrades: 30,
  minWinRate: new Dec("0.55"),
  minProfitFactor: new Dec("1.5"),
  worstDrawdown: new Dec("-0.15"),
};

export type GateName = "days" | "closed_trades" | "win_rate" | "profit_factor" | "max_drawdown";

export interface GateCheck {
  gate: GateName;
  label: string;
  /** The record's value, for people ("n/a" when it could not be computed). */
  value: string;
  /** The target, for people: ">= 55.00%". */
  target: string;
  passed: boolean;
}

export interface PromotionVerdict {
  /** Every gate passed. */
  passed: boolean;
  checks: GateCheck[];
}

const NA = "n/a";

/**
 * Every gate is "value >= target" with a target of at most 2 shown places. A failing value that
 * would round up onto its target is shown rounded down instead (54.999% is "54.99%", not
 * "55.00%"), so a FAIL never prints next to a value that reads as met.
 */
function shown(value: Dec, target: Dec, places: number, render: (d: Dec) => string): string {
  const rounded = value.toDecimalPlaces(places, Dec.ROUND_HALF_EVEN);
  return render(value.lt(target) && rounded.gte(target) ? value.toDecimalPlaces(places, Dec.ROUND_FLOOR) : rounded);
}
const percentShown = (fraction: Dec, target: Dec) => shown(fraction, target, 4, (d) => formatPercent(d));
const fixedShown = (value: Dec, target: Dec) => shown(value, target, 2, (d) => d.toFixed(2));

export function evaluatePromotionGate(input: { days: number; metrics: Metrics }, targets: PromotionTargets = PROMOTION_TARGETS): PromotionVerdict {
  const { days, metrics } = input;
  const { winRate, profitFactor, maxDrawdown } = metrics;
  const checks: GateCheck[] = [
    {
      gate: "days",
      label: "days of record",
      value: Number.isFinite(days) ? String(days) : NA,
      target: `>= ${targets.minDays}`,
      passed: Number.isFinite(days) && days >= targets.minDays,
    },
    {
      gate: "closed_trades",
      label: "closed trades",
      value: String(metrics.tradeCount),
      target: `>= ${targets.minClosedTrades}`,
      passed: metrics.tradeCount >= targets.minClosedTrades,
    },
    {
      gate: "win_rate",
      label: "win rate",
      value: winRate ? percentShown(winRate, targets.minWinRate) : NA,
      target: `>= ${formatPercent(targets.minWinRate)}`,
      passed: winRate !== null && winRate.gte(targets.minWinRate),
    },
    {
      gate: "profit_factor",
      label: "profit factor",
      value: profitFactor === null ? NA : profitFactor === "infinite" ? "infinite (no losses)" : fixedShown(profitFactor, targets.minProfitFactor),
      target: `>= ${targets.minProfitFactor.toFixed(2)}`,
      passed: profitFactor === "infinite" || (profitFactor !== null && profitFactor.gte(targets.minProfitFactor)),
    },
    {
      gate: "max_drawdown",
      label: "max drawdown",
      value: maxDrawdown ? percentShown(maxDrawdown, targets.worstDrawdown) : NA,
      target: `>= ${formatPercent(targets.worstDrawdown)}`,
      passed: maxDrawdown !== null && maxDrawdown.gte(targets.worstDrawdown),
    },
  ];
  return { passed: checks.every((c) => c.passed), checks };
}
