import { Dec } from "../decimal.js";
import { defaultStopPrice } from "../portfolio/accounting.js";
import type { Side, Signal } from "../vocabulary.js";
import { CONFIDENCE_PLACES } from "./agents/common.js";
import { RISK_AGENT } from "./agents/risk.js";
import type { AgentVote, ChairDecision, Veto } from "./types.js";

/**
 * The chair: turns the agents' votes into one decision, deterministically and exactly.
 *
 * score = Σ direction × confidence × weight / Σ weight over the votes that do not abstain
 * (direction BUY +1, SELL -1, HOLD 0), so it runs from -1 (everyone SELL, sure) to +1. A score of
 * at least `act` leans BUY, at most -`act` SELL, anything between HOLD. A veto that covers the
 * side the score leans to (or both sides) turns the decision into HOLD, vetoed.
 *
 * BUY is sized by fixed-fraction risk: the stop is `defaultStopPrice(lastPrice, defaultStopPct)`
 * and the quantity `floor(equity × riskFraction / (lastPrice − stop))`, capped so the position
 * (held shares plus the new ones, at the last price) is at most `maxPositionPct` of equity, and
 * to what the cash pays for at the last price. SELL
 * sells everything held; with nothing held it is HOLD (the desk is long only). Buying power is
 * left to the pre-trade check the order goes through.
 */

export interface ChairSizing {
  equity: Dec;
  /** Share of equity one trade may lose at its stop, e.g. 0.01. */
  riskFraction: Dec;
  /** null: a BUY cannot be sized and is held. */
  lastPrice: Dec | null;
  /** DEFAULT_STOP_LOSS_PCT. */
  defaultStopPct: number;
  heldQuantity: number;
  /** WARROOM_MAX_POSITION_PCT (under KS_CONCENTRATION_PCT). */
  maxPositionPct: number;
  /**
   * Cash the account has. A BUY is cut to the shares it pays for at the last price, so a fully
   * invested book does not propose buys its pre-trade check must refuse (a 20-ticker backtest
   * asked for 16,000 of them). Unset: not capped here (the pre-trade check still is).
   */
  cash?: Dec;
}

export interface ChairThresholds {
  /** |score| at which the chair acts, e.g. 0.55. */
  act: Dec;
}

/** An agent missing from the weights counts with this weight (no track record yet). */
export const DEFAULT_WEIGHT = new Dec(1);

/**
 * Starting weights. Risk's is 0: it gates with vetoes and always votes HOLD, which would otherwise
 * pull every score toward zero.
 */
export const DEFAULT_WEIGHTS: Readonly<Record<string, Dec>> = {
  trend: new Dec(1),
  sentiment: new Dec(1),
  signals: new Dec(1),
  llm: new Dec(1),
  [RISK_AGENT]: new Dec(0),
};

export const DEFAULT_THRESHOLDS: Readonly<ChairThresholds> = { act: new Dec("0.55") };

/** Share of equity one War Room trade risks at its stop. */
export const DEFAULT_RISK_FRACTION = new Dec("0.01");

const DIRECTION: Readonly<Record<string, number>> = { BUY: 1, SELL: -1, HOLD: 0 };
const BOTH: readonly Side[] = ["BUY", "SELL"];
const ZERO = new Dec(0);
const ONE = new Dec(1);

export function decide(votes: readonly AgentVote[], weights: Readonly<Record<string, Dec>>, sizing: ChairSizing, thresholds: ChairThresholds): ChairDecision {
  const weighted = votes.map((v) => ({ ...v, weight: weightOf(v.agent, weights) }));

  let sum = ZERO;
  let weightSum = ZERO;
  for (const v of weighted) {
    if (v.vote === "ABSTAIN") continue;
    const confidence = Dec.min(ONE, Dec.max(ZERO, v.confidence));
    sum = sum.plus(v.weight.times(confidence).times(DIRECTION[v.vote] ?? 0));
    weightSum = weightSum.plus(v.weight);
  }
  const rawScore = weightSum.gt(0) ? sum.div(weightSum) : ZERO;
  // Shown toward zero, so a shown score never reads as past the threshold when it is not.
  const shown = rawScore.toDecimalPlaces(CONFIDENCE_PLACES, Dec.ROUND_DOWN);
  const score = shown.isZero() ? ZERO : shown;
  const confidence = Dec.min(ONE, rawScore.abs()).toDecimalPlaces(CONFIDENCE_PLACES, Dec.ROUND_DOWN);
  const lean: Signal = rawScore.gte(thresholds.act) ? "BUY" : rawScore.lte(thresholds.act.neg()) ? "SELL" : "HOLD";

  const lines = weighted.map(agentLine);
  const scoreText = `score ${signed(score)} (act at ±${thresholds.act.toString()})`;
  const hold = (why: string, vetoed = false): ChairDecision => ({
    decision: "HOLD",
    confidence,
    score,
    quantity: null,
    stopPrice: null,
    vetoed,
    ...explained(lines, `HOLD — ${why}`),
    votes: weighted,
  });

  const blocking = weighted.flatMap((v) => vetoesOf(v).filter((veto) => (lean === "HOLD" ? BOTH.every((s) => veto.sides.includes(s)) : veto.sides.includes(lean))).map((veto) => ({ agent: v.agent, veto })));
  if (blocking.length > 0) {
    const named = blocking.map(({ agent, veto }) => `${agent}: ${veto.rule} (${veto.reason})`).join("; ");
    return hold(`vetoed by ${named}; the votes leaned ${lean}, ${scoreText}`, true);
  }
  if (lean === "HOLD") return hold(`the votes do not reach the threshold, ${scoreText}`);

  if (lean === "SELL") {
    if (!Number.isSafeInteger(sizing.heldQuantity) || sizing.heldQuantity <= 0) return hold(`the votes lean SELL but nothing is held (long-only desk), ${scoreText}`);
    return {
      decision: "SELL",
      confidence,
      score,
      quantity: sizing.heldQuantity,
      stopPrice: null,
      vetoed: false,
      ...explained(lines, `SELL ${sizing.heldQuantity} (everything held), ${scoreText}`),
      votes: weighted,
    };
  }

  const size = sizeBuy(sizing);
  if ("why" in size) return hold(`the votes lean BUY but ${size.why}, ${scoreText}`);
  return {
    decision: "BUY",
    confidence,
    score,
    quantity: size.quantity,
    stopPrice: size.stop,
    vetoed: false,
    ...explained(lines, `BUY ${size.quantity} at ~${size.price.toFixed(2)}, stop ${size.stop.toFixed(2)} (${size.how}), ${scoreText}`),
    votes: weighted,
  };
}

/** Fixed-fraction sizing of a BUY, capped by the position limit; or why no share can be bought. */
export function sizeBuy(sizing: ChairSizing): { quantity: number; stop: Dec; price: Dec; how: string } | { why: string } {
  const { equity, riskFraction, lastPrice: price, defaultStopPct, maxPositionPct } = sizing;
  const held = Number.isSafeInteger(sizing.heldQuantity) && sizing.heldQuantity > 0 ? sizing.heldQuantity : 0;
  if (!price || !price.gt(0)) return { why: "there is no price to size it with" };
  if (!equity.gt(0)) return { why: "equity is not positive" };
  const stop = defaultStopPrice(price, defaultStopPct);
  const perShare = price.minus(stop);
  if (!perShare.gt(0) || !stop.gt(0)) return { why: `a ${defaultStopPct}% stop at ${stop.toFixed(2)} gives no per-share risk to size by` };
  const budget = equity.times(riskFraction);
  const byRisk = budget.div(perShare).floor();
  const room = equity.times(maxPositionPct).div(100).minus(price.times(held));
  const byCap = room.gt(0) ? room.div(price).floor() : ZERO;
  const capped = byCap.lt(byRisk);
  const sized = Dec.min(byRisk, byCap);
  const byCash = sizing.cash === undefined ? null : Dec.max(ZERO, sizing.cash).div(price).floor();
  const cashBound = byCash !== null && byCash.lt(sized);
  const quantity = cashBound ? byCash : sized;
  const how =
    `risking ${pct(riskFraction.times(100))}% of equity, $${budget.toFixed(2)}, at $${perShare.toFixed(2)} a share: ${byRisk.toString()}` +
    `${capped ? `, capped to ${byCap.toString()} by the ${maxPositionPct}% position limit` : ""}` +
    `${cashBound ? `, cut to ${byCash.toString()} by the cash $${sizing.cash!.toFixed(2)}` : ""}`;
  if (quantity.lt(1)) return { why: `no whole share fits (${how})` };
  return { quantity: quantity.gt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : quantity.toNumber(), stop, price, how };
}

/** The agents' lines and the decision line, and the decision line alone. */
function explained(lines: readonly string[], summary: string): Pick<ChairDecision, "rationale" | "summary"> {
  return { rationale: [...lines, `Decision: ${summary}`].join("\n"), summary };
}

function weightOf(agent: string, weights: Readonly<Record<string, Dec>>): Dec {
  const weight = Object.hasOwn(weights, agent) ? weights[agent]! : DEFAULT_WEIGHT;
  if (!weight.isFinite() || weight.isNegative()) throw new RangeError(`weight of ${agent} must be a finite number >= 0, got ${weight.toString()}`);
  return weight;
}

/** A vote's vetoes; `veto` without a list forbids both sides. */
function vetoesOf(v: AgentVote): readonly Veto[] {
  if (!v.veto) return [];
  if (v.vetoes && v.vetoes.length > 0) return v.vetoes;
  return [{ rule: "agent_veto", sides: BOTH, reason: v.rationale }];
}

function agentLine(v: AgentVote & { weight: Dec }): string {
  if (v.vote === "ABSTAIN") return `${v.agent}: ABSTAIN — ${v.rationale}`;
  return `${v.agent}: ${v.vote}${v.veto ? " (veto)" : ""} ${v.confidence.toFixed(2)} ×${v.weight.toString()} — ${v.rationale}`;
}

function signed(d: Dec): string {
  return d.isNegative() ? d.toFixed(CONFIDENCE_PLACES) : `+${d.toFixed(CONFIDENCE_PLACES)}`;
}

function pct(d: Dec): string {
  return d.toDecimalPlaces(2, Dec.ROUND_HALF_EVEN).toString();
}
