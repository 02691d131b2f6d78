import { RSI, SMA } from "trading-signals";
import type { AgentVote, WarRoomInput } from "../types.js";
import { fmt, toConfidence } from "./common.js";

/**
 * Trend agent: a fast/slow simple-moving-average crossover read with RSI. The indicators come
 * from `trading-signals` over the closes as numbers: this is analysis, not money, and nothing it
 * returns is a price.
 *
 * - BUY when the fast average is above the slow one by at least `flatPct` (an uptrend) or has just
 *   crossed above it; SELL on the mirror image; HOLD when the two are within `flatPct`.
 * - Confidence grows with the spread between the averages (0.5 at `flatPct`, 0.9 at `fullSpreadPct`),
 *   plus `crossBonus` on the bar of a fresh cross.
 * - RSI above `overbought` cuts a BUY's confidence by `stretchedFactor`; above `extremeOverbought`
 *   the agent holds rather than chase. Oversold RSI does the same to a SELL.
 * - ABSTAIN with fewer closes than the slow window.
 */

export interface TrendOptions {
  fast: number;
  slow: number;
  rsiPeriod: number;
  /** Spread (percent of the slow average) under which the trend is flat. */
  flatPct: number;
  /** Spread at which confidence reaches its 0.9 ceiling. */
  fullSpreadPct: number;
  crossBonus: number;
  overbought: number;
  extremeOverbought: number;
  oversold: number;
  extremeOversold: number;
  /** What an overbought BUY's (or oversold SELL's) confidence is multiplied by. */
  stretchedFactor: number;
}

export const TREND_DEFAULTS: Readonly<TrendOptions> = {
  fast: 20,
  slow: 50,
  rsiPeriod: 14,
  flatPct: 0.25,
  fullSpreadPct: 5,
  crossBonus: 0.1,
  overbought: 70,
  extremeOverbought: 80,
  oversold: 30,
  extremeOversold: 20,
  stretchedFactor: 0.6,
};

export const TREND_AGENT = "trend";

export function trendAgent(input: WarRoomInput, options: Partial<TrendOptions> = {}): AgentVote {
  const o: TrendOptions = { ...TREND_DEFAULTS, ...options };
  const abstain = (rationale: string, details: Record<string, unknown> = {}): AgentVote => ({
    agent: TREND_AGENT,
    vote: "ABSTAIN",
    confidence: toConfidence(0),
    veto: false,
    rationale,
    details: { closes: input.closes.length, ...details },
  });

  const n = input.closes.length;
  if (n < o.slow) return abstain(`${n} closes, SMA${o.slow} needs ${o.slow}`);
  for (let i = 1; i < n; i += 1) {
    if (input.closes[i - 1]!.day >= input.closes[i]!.day) return abstain(`closes out of order at ${input.closes[i]!.day}`);
  }

  const fastMa = new SMA(o.fast);
  const slowMa = new SMA(o.slow);
  const rsi = new RSI(o.rsiPeriod);
  let fastBefore: number | null = null;
  let slowBefore: number | null = null;
  for (const { close } of input.closes) {
    fastBefore = resultOf(fastMa);
    slowBefore = resultOf(slowMa);
    const value = close.toNumber();
    fastMa.add(value);
    slowMa.add(value);
    rsi.add(value);
  }
  const fast = resultOf(fastMa);
  const slow = resultOf(slowMa);
  const rsiNow = resultOf(rsi);
  if (fast === null || slow === null || !(slow > 0)) return abstain(`SMA${o.slow} is not positive`);

  const spreadPct = ((fast - slow) / slow) * 100;
  const crossedUp = fastBefore !== null && slowBefore !== null && fastBefore <= slowBefore && fast > slow;
  const crossedDown = fastBefore !== null && slowBefore !== null && fastBefore >= slowBefore && fast < slow;
  const details = {
    closes: n,
    smaFast: round(fast, 4),
    smaSlow: round(slow, 4),
    spreadPct: round(spreadPct, 4),
    rsi: rsiNow === null ? null : round(rsiNow, 2),
    cross: crossedUp ? "up" : crossedDown ? "down" : null,
  };

  const rsiText = rsiNow === null ? "RSI n/a" : `RSI ${fmt(rsiNow, 1)}`;
  const sign = fast > slow ? ">" : fast < slow ? "<" : "=";
  const averages = `SMA${o.fast} ${fmt(fast, 2)} ${sign} SMA${o.slow} ${fmt(slow, 2)}`;
  const bullish = crossedUp || spreadPct >= o.flatPct;
  const bearish = crossedDown || spreadPct <= -o.flatPct;

  if (!bullish && !bearish) {
    return { agent: TREND_AGENT, vote: "HOLD", confidence: toConfidence(0.5), veto: false, rationale: `${averages} (flat, ${fmt(spreadPct, 2, true)}%), ${rsiText}`, details };
  }

  const strength = Math.min(1, Math.max(0, (Math.abs(spreadPct) - o.flatPct) / (o.fullSpreadPct - o.flatPct)));
  let confidence = 0.5 + 0.4 * strength + (crossedUp || crossedDown ? o.crossBonus : 0);
  const trendText = crossedUp ? `crossed above today` : crossedDown ? `crossed below today` : bullish ? "uptrend" : "downtrend";
  const head = `${averages} (${trendText}, ${fmt(spreadPct, 2, true)}%), ${rsiText}`;

  if (bullish) {
    if (rsiNow !== null && rsiNow > o.extremeOverbought) {
      return { agent: TREND_AGENT, vote: "HOLD", confidence: toConfidence(0.5), veto: false, rationale: `${head}: overbought, not chasing`, details };
    }
    if (rsiNow !== null && rsiNow > o.overbought) {
      confidence *= o.stretchedFactor;
      return { agent: TREND_AGENT, vote: "BUY", confidence: toConfidence(confidence), veto: false, rationale: `${head}: overbought, confidence cut`, details };
    }
    return { agent: TREND_AGENT, vote: "BUY", confidence: toConfidence(confidence), veto: false, rationale: head, details };
  }
  if (rsiNow !== null && rsiNow < o.extremeOversold) {
    return { agent: TREND_AGENT, vote: "HOLD", confidence: toConfidence(0.5), veto: false, rationale: `${head}: oversold, not selling into it`, details };
  }
  if (rsiNow !== null && rsiNow < o.oversold) {
    confidence *= o.stretchedFactor;
    return { agent: TREND_AGENT, vote: "SELL", confidence: toConfidence(confidence), veto: false, rationale: `${head}: oversold, confidence cut`, details };
  }
  return { agent: TREND_AGENT, vote: "SELL", confidence: toConfidence(confidence), veto: false, rationale: head, details };
}

function round(value: number, places: number): number {
  return Number(value.toFixed(places));
}

/**
 * An indicator's value, or null before it has enough inputs. trading-signals' own getResult()
 * throws and catches an error to say "not yet", which made the error's stack trace the largest
 * cost of a backtest; asking isStable first costs nothing.
 */
function resultOf(indicator: { readonly isStable: boolean; getResultOrThrow(): number }): number | null {
  return indicator.isStable ? indicator.getResultOrThrow() : null;
}
