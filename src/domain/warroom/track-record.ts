import { Dec } from "../decimal.js";
import type { Vote } from "../vocabulary.js";
import { DEFAULT_WEIGHTS } from "./chair.js";

/**
 * How the War Room learns whom to trust: each vote is judged on the move that followed it, and
 * an agent's weight in the chair follows its share of right calls. One definition, used by the
 * live scoring job (src/app/warroom/score-votes.ts) and by the backtest.
 */

export interface AgentAccuracy {
  agent: string;
  /** Votes judged right or wrong (an ABSTAIN or a vote without prices is judged neither). */
  scored: number;
  correct: number;
}

export interface ScoringPolicy {
  /** Trading days after the session at whose close a vote is judged. */
  horizonDays: number;
  /** A HOLD is right when the move stays within this many percent either way. */
  flatPct: Dec;
}

export const DEFAULT_SCORING: ScoringPolicy = { horizonDays: 5, flatPct: new Dec(1) };

/** Judged votes an agent needs before its record, not the default, sets its weight. */
export const MIN_SCORED_FOR_WEIGHT = 20;

/**
 * A vote judged on the close at the session and the close `horizonDays` later: BUY is right when
 * the price rose, SELL when it fell, HOLD when it stayed within the flat band. ABSTAIN, or a
 * missing or non-positive price, is judged neither (`correct` null).
 */
export function judgeVote(vote: Vote, before: Dec | null, after: Dec | null, flatPct: Dec): { movePct: Dec | null; correct: boolean | null } {
  if (!before || !after || !before.gt(0)) return { movePct: null, correct: null };
  const movePct = after.minus(before).div(before).times(100);
  if (vote === "ABSTAIN") return { movePct, correct: null };
  const correct = vote === "BUY" ? movePct.gt(0) : vote === "SELL" ? movePct.lt(0) : movePct.abs().lte(flatPct);
  return { movePct, correct };
}

/** An agent with a track record weighs by it: 50% right weighs 1, 75% weighs 1.5, never below 0.25. */
export function weightsFrom(accuracy: readonly AgentAccuracy[], minScored: number): Record<string, Dec> {
  const weights: Record<string, Dec> = { ...DEFAULT_WEIGHTS };
  for (const a of accuracy) {
    if (a.scored < minScored || (DEFAULT_WEIGHTS[a.agent]?.isZero() ?? false)) continue;
    weights[a.agent] = Dec.max(new Dec("0.25"), new Dec(a.correct).div(a.scored).times(2)).toDecimalPlaces(4);
  }
  return weights;
}
