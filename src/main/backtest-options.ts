import type { ParseArgsConfig } from "node:util";
import { BacktestInputError } from "../domain/backtest/bar.js";
import type { CostModel } from "../domain/backtest/costs.js";
import { HALT_POLICIES, parseHaltPolicy } from "../domain/backtest/halt-policy.js";
import { smaCrossStrategy, warRoomStrategy, type BacktestStrategy } from "../domain/backtest/strategies.js";
import { Dec } from "../domain/decimal.js";
import { DEFAULT_RISK_FRACTION, DEFAULT_THRESHOLDS } from "../domain/warroom/chair.js";
import { SMA_CROSS_DEFAULTS } from "../domain/strategies/sma-cross.js";
import type { Config } from "../config/load.js";
import type { BacktestRequest } from "../app/backtest/run-backtest.js";

/**
 * The backtest command's options beyond the universe (src/domain/backtest/universe.ts reads
 * --tickers, --from, --to, --data and --csv): strategy, halt policy, capital, costs, outputs.
 * Every bad value is one BacktestInputError line naming the option; defaults come from the
 * desk's configuration, so a backtest charges what paper trading charges.
 */

export const BACKTEST_OPTIONS = {
  tickers: { type: "string" },
  prices: { type: "string" },
  data: { type: "string" },
  csv: { type: "string", multiple: true },
  from: { type: "string" },
  to: { type: "string" },
  strategy: { type: "string" },
  halts: { type: "string" },
  capital: { type: "string" },
  json: { type: "string" },
  chart: { type: "string" },
  "slippage-bps": { type: "string" },
  "commission-per-order": { type: "string" },
  "commission-per-share": { type: "string" },
  "commission-min": { type: "string" },
  "risk-pct": { type: "string" },
  act: { type: "string" },
  "max-position-pct": { type: "string" },
  "stop-pct": { type: "string" },
  fast: { type: "string" },
  slow: { type: "string" },
  "size-pct": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

type Values = { [K in keyof typeof BACKTEST_OPTIONS]?: (typeof BACKTEST_OPTIONS)[K] extends { multiple: true } ? string[] : string };

export interface BacktestOptions {
  request: Omit<BacktestRequest, "bars">;
  json: string | undefined;
  chart: string | undefined;
}

const STRATEGIES = ["warroom", "sma-cross"] as const;

function amount(name: string, raw: string | undefined, fallback: string, { positive = false } = {}): Dec {
  const text = raw?.trim() ?? fallback;
  if (!/^\d{1,15}(\.\d{1,6})?$/.test(text)) throw new BacktestInputError(`--${name} "${text}" is not an amount in dollars (like 100000 or 1.50)`);
  const value = new Dec(text);
  if (positive && !value.gt(0)) throw new BacktestInputError(`--${name} must be above 0, got ${text}`);
  return value;
}

function number(name: string, raw: string | undefined, fallback: number, check: (n: number) => boolean, expected: string): number {
  if (raw === undefined) return fallback;
  const text = raw.trim();
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || !check(value)) throw new BacktestInputError(`--${name} must be ${expected}, got "${text}"`);
  return value;
}

export function parseBacktestOptions(values: Values, config: Config): BacktestOptions {
  const risk = config.risk;
  const strategyName = values.strategy?.trim() ?? "warroom";
  if (!(STRATEGIES as readonly string[]).includes(strategyName)) throw new BacktestInputError(`--strategy must be one of ${STRATEGIES.join(", ")}, got "${strategyName}"`);
  const halts = values.halts?.trim() ?? "resume-next-session";
  if (!(HALT_POLICIES as readonly string[]).includes(halts)) throw new BacktestInputError(`--halts must be one of ${HALT_POLICIES.join(", ")}, got "${halts}"`);
  const haltPolicy = parseHaltPolicy(halts);
  const capital = amount("capital", values.capital, config.broker.shadowStartingCapital, { positive: true });
  const costs: CostModel = {
    slippageBps: number("slippage-bps", values["slippage-bps"], config.broker.paperSlippageBps, (n) => n < 10_000, "basis points from 0 to under 10000"),
    commissionPerOrder: amount("commission-per-order", values["commission-per-order"], config.broker.paperCommissionPerOrder),
    commissionPerShare: amount("commission-per-share", values["commission-per-share"], "0"),
    commissionMinimum: amount("commission-min", values["commission-min"], "0"),
  };
  const stopPct = number("stop-pct", values["stop-pct"], risk.defaultStopLossPct, (n) => n > 0 && n < 100, "a percentage above 0 and below 100");
  const warroomOnly = ["risk-pct", "act", "max-position-pct"] as const;
  const smaOnly = ["fast", "slow", "size-pct"] as const;
  const stray = (strategyName === "warroom" ? smaOnly : warroomOnly).find((name) => values[name] !== undefined);
  if (stray) throw new BacktestInputError(`--${stray} is a setting of the other strategy, not of ${strategyName}`);

  let strategy: BacktestStrategy;
  if (strategyName === "warroom") {
    const maxPositionPct = number("max-position-pct", values["max-position-pct"], config.warroom.maxPositionPct, (n) => n > 0 && n < 100, "a percentage above 0 and below 100");
    if (maxPositionPct >= risk.concentrationPct) throw new BacktestInputError(`--max-position-pct ${maxPositionPct} must stay under the ${risk.concentrationPct}% concentration limit (KS_CONCENTRATION_PCT)`);
    strategy = warRoomStrategy({
      riskFraction: new Dec(number("risk-pct", values["risk-pct"], DEFAULT_RISK_FRACTION.times(100).toNumber(), (n) => n > 0 && n < 100, "a percentage above 0 and below 100")).div(100),
      act: new Dec(number("act", values.act, DEFAULT_THRESHOLDS.act.toNumber(), (n) => n > 0 && n <= 1, "a score above 0 and at most 1")),
      defaultStopPct: stopPct,
      maxPositionPct,
    });
  } else {
    const whole = (n: number) => Number.isSafeInteger(n) && n >= 1;
    strategy = smaCrossStrategy(
      {
        fast: number("fast", values.fast, SMA_CROSS_DEFAULTS.fast, whole, "a whole number of bars >= 1"),
        slow: number("slow", values.slow, SMA_CROSS_DEFAULTS.slow, whole, "a whole number of bars >= 1"),
        sizePct: number("size-pct", values["size-pct"], SMA_CROSS_DEFAULTS.sizePct, (n) => n > 0 && n < 100, "a percentage above 0 and below 100"),
      },
      risk.concentrationPct,
    );
  }
  const chart = values.chart?.trim();
  if (chart !== undefined && !/\.png$/i.test(chart)) throw new BacktestInputError(`--chart "${chart}" must name a .png file`);
  return {
    request: {
      capital,
      costs,
      haltPolicy,
      strategy,
      thresholds: { dailyLossPct: risk.dailyLossPct, maxDrawdownPct: risk.maxDrawdownPct, apiErrorCount: risk.apiErrorCount, concentrationPct: risk.concentrationPct, staleDataSeconds: risk.staleDataSeconds, dailyTradeLimit: risk.dailyTradeLimit },
      priceCollarPct: risk.priceCollarPct,
      defaultStopPct: stopPct,
      timeZone: risk.marketTimezone,
    },
    json: values.json?.trim() || undefined,
    chart: chart || undefined,
  };
}
