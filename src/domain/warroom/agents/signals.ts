import type { AgentVote, WarRoomInput } from "../types.js";
import { ageHours, fmt, recencyWeight, toConfidence } from "./common.js";

/**
 * Signals agent: what the desk's other signal sources said about the ticker lately.
 *
 * Each signal from the last `windowDays` counts +1 (BUY), -1 (SELL) or 0 (HOLD) times its own
 * confidence, weighted by recency (halving every `halfLifeHours`); the weighted mean, -1..1,
 * beyond ±`threshold` votes BUY/SELL with that mean's size as confidence. Signals from
 * `ignoreSources` (the War Room's own, by default) are left out: the room would otherwise echo
 * its own earlier decisions back to itself. With nothing left, the agent abstains.
 */

export interface SignalsOptions {
  windowDays: number;
  halfLifeHours: number;
  threshold: number;
  ignoreSources: readonly string[];
}

export const SIGNALS_DEFAULTS: Readonly<SignalsOptions> = { windowDays: 5, halfLifeHours: 48, threshold: 0.2, ignoreSources: ["warroom"] };

export const SIGNALS_AGENT = "signals";

const DIRECTION = { BUY: 1, SELL: -1, HOLD: 0 } as const;
/** A signal stamped up to this far after `now` is taken as just made (clock drift). */
const SKEW_HOURS = 5 / 60;

export function signalsAgent(input: WarRoomInput, options: Partial<SignalsOptions> = {}): AgentVote {
  const o: SignalsOptions = { ...SIGNALS_DEFAULTS, ...options };
  const ignored = new Set(o.ignoreSources);
  const counts = { BUY: 0, SELL: 0, HOLD: 0 };
  const sources = new Set<string>();
  let weightSum = 0;
  let weighted = 0;
  for (const s of input.signals) {
    const age = ageHours(input.now, s.createdAt);
    if (age > o.windowDays * 24 || age < -SKEW_HOURS || ignored.has(s.source)) continue;
    const confidence = Math.min(1, Math.max(0, s.confidence.toNumber()));
    const weight = recencyWeight(age, o.halfLifeHours);
    weightSum += weight;
    weighted += weight * DIRECTION[s.signal] * confidence;
    counts[s.signal] += 1;
    sources.add(s.source);
  }
  const total = counts.BUY + counts.SELL + counts.HOLD;
  if (total === 0) {
    return { agent: SIGNALS_AGENT, vote: "ABSTAIN", confidence: toConfidence(0), veto: false, rationale: `no signals in the last ${o.windowDays} days`, details: { signals: 0 } };
  }
  const mean = weighted / weightSum;
  const details = { signals: total, ...counts, sources: [...sources].sort(), mean: Number(mean.toFixed(4)) };
  const text = `${total} signal${total === 1 ? "" : "s"} in ${o.windowDays} days (${counts.BUY} BUY, ${counts.SELL} SELL, ${counts.HOLD} HOLD from ${[...sources].sort().join(", ")}), weighted ${fmt(mean, 2, true)}`;
  if (Math.abs(mean) < o.threshold) {
    return { agent: SIGNALS_AGENT, vote: "HOLD", confidence: toConfidence(1 - Math.abs(mean) / o.threshold), veto: false, rationale: `${text}: mixed`, details };
  }
  return { agent: SIGNALS_AGENT, vote: mean > 0 ? "BUY" : "SELL", confidence: toConfidence(Math.abs(mean)), veto: false, rationale: text, details };
}
