import type { Dec } from "../decimal.js";
import { smaCross, validateSmaCrossParams, type SmaCrossParams } from "../strategies/sma-cross.js";
import type { Signal } from "../vocabulary.js";
import { runAgents } from "../warroom/agents/index.js";
import { decide, DEFAULT_RISK_FRACTION, DEFAULT_THRESHOLDS } from "../warroom/chair.js";
import type { AgentVote, WarRoomNews, WarRoomSignal } from "../warroom/types.js";
import { BacktestInputError } from "./bar.js";

/**
 * The strategies a backtest can run, each a pure function of what was known at the decision:
 * the closes up to the previous session (warm-up history included), the signals stamped by
 * then, and the book as it stood. A decision is made before the session's open and trades at
 * that open (engine.ts), so nothing from the bar it trades on can reach it.
 */

export interface DecisionInput {
  ticker: string;
  /** The session the decision trades in, YYYY-MM-DD. */
  date: string;
  /** The decision's instant: before that session's open. */
  now: Date;
  /** The ticker's closes before `date`, oldest first, at most `lookback` of them. */
  closes: readonly { day: string; close: Dec }[];
  /** When the newest close was struck. */
  priceTime: Date | null;
  /** Signals about the ticker stamped at or before `now`, newest last. */
  signals: readonly WarRoomSignal[];
  /** Headlines about the ticker published at or before `now`, newest last. */
  news: readonly WarRoomNews[];
  account: {
    equity: Dec;
    cash: Dec;
    heldQuantity: number;
    /** The held shares at the newest close. */
    positionValue: Dec;
    halted: boolean;
    ordersToday: number;
  };
  limits: { concentrationPct: number; dailyTradeLimit: number; staleDataSeconds: number };
  /** The chair's weights now (they follow each agent's record as votes are judged). */
  weights: Readonly<Record<string, Dec>>;
}

export interface StrategyDecision {
  action: Signal;
  /** Shares to trade; 0 for HOLD. */
  quantity: number;
  /** A BUY's protective stop, when the strategy sets one (else the desk's default applies). */
  stop: Dec | null;
  reason: string;
  /** The War Room's votes, to be judged later; empty for a strategy without agents. */
  votes: readonly AgentVote[];
}

export interface BacktestStrategy {
  name: "warroom" | "sma-cross";
  /** For the report header: the strategy and its settings. */
  label: string;
  /** Closes a decision looks at; older ones are never handed to it. */
  lookback: number;
  decide(input: DecisionInput): StrategyDecision;
}

export interface WarRoomStrategySettings {
  /** Share of equity one trade may lose at its stop (live: 0.01). */
  riskFraction: Dec;
  /** |score| at which the chair acts (live: DEFAULT_THRESHOLDS.act). */
  act: Dec;
  /** DEFAULT_STOP_LOSS_PCT. */
  defaultStopPct: number;
  /** WARROOM_MAX_POSITION_PCT: the most of equity one position is built to. */
  maxPositionPct: number;
}

/** The trend agent's slow average and RSI need at most this many closes (the live session reads the same). */
const WARROOM_CLOSES = 120;

/**
 * The War Room as live runs it (src/app/warroom/session.ts): the four pure agents on a
 * point-in-time input, the chair's weighted decision with fixed-fraction sizing on the book's
 * equity. The LLM agent is not consulted (it cannot be asked about the past without knowing it).
 * Headlines and signals come from the price table's run (--prices db); from files there are none,
 * and the sentiment and signals agents abstain.
 */
export function warRoomStrategy(settings: WarRoomStrategySettings): BacktestStrategy {
  if (!settings.riskFraction.gt(0) || settings.riskFraction.gte(1)) throw new BacktestInputError(`--risk-pct must be above 0 and below 100, got ${settings.riskFraction.times(100).toString()}`);
  if (!settings.act.gt(0) || settings.act.gt(1)) throw new BacktestInputError(`--act must be above 0 and at most 1, got ${settings.act.toString()}`);
  if (!(settings.maxPositionPct > 0 && settings.maxPositionPct <= 100)) throw new BacktestInputError(`--max-position-pct must be above 0 and at most 100, got ${settings.maxPositionPct}`);
  if (!(settings.defaultStopPct > 0 && settings.defaultStopPct < 100)) throw new BacktestInputError(`the stop distance must be above 0% and below 100%, got ${settings.defaultStopPct}%`);
  return {
    name: "warroom",
    label: `warroom (trend, sentiment, signals and risk agents; chair acts at ±${settings.act.toString()}, risks ${settings.riskFraction.times(100).toString()}% of equity per trade, stop ${settings.defaultStopPct}% under the last close, positions up to ${settings.maxPositionPct}% of equity)`,
    lookback: WARROOM_CLOSES,
    decide(input) {
      const a = input.account;
      const maxPositionPct = Math.min(settings.maxPositionPct, input.limits.concentrationPct);
      const last = input.closes.at(-1)?.close ?? null;
      const votes = runAgents({
        ticker: input.ticker,
        now: input.now,
        closes: input.closes,
        lastPrice: last,
        priceTime: input.priceTime,
        news: input.news,
        signals: input.signals,
        account: {
          equity: a.equity,
          cash: a.cash,
          heldQuantity: a.heldQuantity,
          killSwitch: a.halted ? "HALTED" : "ACTIVE",
          phase: "shadow",
          mode: "shadow",
          positionValue: a.positionValue,
          concentrationPct: a.equity.gt(0) ? a.positionValue.div(a.equity).times(100).toNumber() : 0,
          ordersToday: a.ordersToday,
          dailyTradeLimit: input.limits.dailyTradeLimit,
          maxPositionPct,
          staleDataSeconds: input.limits.staleDataSeconds,
          // Decided before the open: a price is not held to the stale limit while the market is shut.
          marketOpen: false,
        },
      });
      const decision = decide(
        votes,
        input.weights,
        { equity: a.equity, riskFraction: settings.riskFraction, lastPrice: last, defaultStopPct: settings.defaultStopPct, heldQuantity: a.heldQuantity, maxPositionPct, cash: a.cash },
        { act: settings.act },
      );
      return { action: decision.decision, quantity: decision.quantity ?? 0, stop: decision.stopPrice, reason: decision.summary, votes };
    },
  };
}

export const DEFAULT_WARROOM_SETTINGS: Readonly<WarRoomStrategySettings> = { riskFraction: DEFAULT_RISK_FRACTION, act: DEFAULT_THRESHOLDS.act, defaultStopPct: 5, maxPositionPct: 20 };

/** The moving-average crossover (src/domain/strategies/sma-cross.ts), sized on the book's equity. */
export function smaCrossStrategy(params: SmaCrossParams, concentrationPct: number): BacktestStrategy {
  // The command line's names for the parameters the shared check names plainly.
  const problems = validateSmaCrossParams(params).map((p) => p.replace(/\b(fast|slow)\b/g, "--$1").replace(/^size\b/, "--size-pct"));
  if (params.sizePct >= concentrationPct) problems.push(`--size-pct ${params.sizePct} must stay under the ${concentrationPct}% concentration limit`);
  if (problems.length > 0) throw new BacktestInputError(problems.join("; "));
  return {
    name: "sma-cross",
    label: `sma-cross (fast ${params.fast}, slow ${params.slow}, size ${params.sizePct}% of equity)`,
    lookback: params.slow + 1,
    decide(input) {
      const signal = smaCross({ closes: input.closes.map((c) => c.close), heldQuantity: input.account.heldQuantity, equity: input.account.equity, params });
      if (signal.action === "HOLD") return { action: "HOLD", quantity: 0, stop: null, reason: signal.reason, votes: [] };
      return { action: signal.action, quantity: signal.quantity, stop: null, reason: signal.reason, votes: [] };
    },
  };
}
