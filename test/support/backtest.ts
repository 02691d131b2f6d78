import type { BacktestBar } from "../../src/domain/backtest/bar.js";
import { type CostModel, FREE } from "../../src/domain/backtest/costs.js";
import type { BacktestConfig, BacktestTrade } from "../../src/domain/backtest/engine.js";
import type { BacktestStrategy, DecisionInput } from "../../src/domain/backtest/strategies.js";
import { Dec } from "../../src/domain/decimal.js";
import type { TriggerThresholds } from "../../src/domain/kill-switch/triggers.js";
import type { Signal } from "../../src/domain/vocabulary.js";

/** Hand-made bars, a scripted strategy and a loose configuration for the backtest engine's scenario tests. */

export const d = (v: string | number) => new Dec(v);
export const bar = (date: string, open: number, high: number, low: number, close: number): BacktestBar => ({ date, open: d(open), high: d(high), low: d(low), close: d(close) });
/** A bar that traded at one price all day (history the strategy reads). */
export const flat = (date: string, close: number) => bar(date, close, close, close, close);

/** 10 bps slippage, $1 + $0.005 a share, minimum $1. */
export const COSTS: CostModel = { slippageBps: 10, commissionPerOrder: d(1), commissionPerShare: d("0.005"), commissionMinimum: d(1) };
export { FREE };
/** Loose limits: only what a test sets can halt or refuse. */
export const THRESHOLDS: TriggerThresholds = { dailyLossPct: 90, maxDrawdownPct: 90, apiErrorCount: 3, concentrationPct: 100, staleDataSeconds: 300, dailyTradeLimit: 10 };

/** $10,000, `costs` (COSTS unless overridden), halts stay; decisions at 13:29Z, closes at 21:00Z. */
export function config(strategy: BacktestStrategy, overrides: Partial<BacktestConfig> = {}): BacktestConfig {
  return {
    capital: d(10000),
    costs: COSTS,
    haltPolicy: "stay",
    strategy,
    thresholds: THRESHOLDS,
    priceCollarPct: 10,
    defaultStopPct: 5,
    minScoredForWeight: 20,
    sessionTimes: (day) => ({ decide: new Date(`${day}T13:29:00Z`), close: new Date(`${day}T21:00:00Z`) }),
    ...overrides,
  };
}

/** "TICKER YYYY-MM-DD" -> [action, quantity, stop?]; anything not in the script holds. */
export type Script = Record<string, [Signal, number, number?]>;

/** A strategy that does what the script says and records every input it was handed. */
export function scripted(script: Script, lookback = 5): { strategy: BacktestStrategy; seen: DecisionInput[] } {
  const seen: DecisionInput[] = [];
  const strategy: BacktestStrategy = {
    name: "sma-cross",
    label: "scripted",
    lookback,
    decide(input) {
      seen.push(input);
      const step = script[`${input.ticker} ${input.date}`];
      if (!step) return { action: "HOLD", quantity: 0, stop: null, reason: "script: hold", votes: [] };
      return { action: step[0], quantity: step[1], stop: step[2] === undefined ? null : d(step[2]), reason: `script: ${step[0]}`, votes: [] };
    },
  };
  return { strategy, seen };
}

/** An amount as written: cents for booked cash, every place a price has. */
export const show = (x: Dec) => (x.decimalPlaces() <= 2 ? x.toFixed(2) : x.toFixed());
export type { BacktestTrade };
