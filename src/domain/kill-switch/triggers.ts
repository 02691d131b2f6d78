import { Dec } from "../decimal.js";
import { drawdownFrom } from "../portfolio/drawdown.js";
import { limitsFor, lossSincePhaseStart } from "../risk/phase-limits.js";
import type { AccountMode, Phase, Trigger } from "../vocabulary.js";

/** Everything the triggers look at, read in one go by the caller. Values are exact decimals. */
export interface AccountSnapshot {
  equity: Dec;
  /** Equity at the start of the current trading day; null before the first snapshot. */
  startOfDayEquity: Dec | null;
  /** Highest equity ever recorded (including now); null before the first snapshot. */
  peakEquity: Dec | null;
  positions: readonly HeldPosition[];
  consecutiveApiErrors: number;
  /** Orders executed (recorded) in the current trading day. */
  ordersToday: number;
  /** Whether the exchange's regular session is open at `now` (from the market calendar). */
  marketOpen: boolean;
  now: Date;
  /**
   * The account's mode and phase, and its equity when the phase began: the phase's loss limit
   * (micro: $10 of real money, limitsFor) counts from there. Absent, phase_loss never fires.
   */
  phase?: { mode: AccountMode; phase: Phase; startEquity: Dec };
}

export interface HeldPosition {
  ticker: string;
  quantity: number;
  /** Newest known price and when it was true; null when the ticker has no price at all. */
  lastPrice: Dec | null;
  priceTime: Date | null;
  /** Where that price came from ("alpaca:iex", "kis:ws", "import"), so a stale halt names the feed. */
  priceSource?: string | null;
}

export interface TriggerThresholds {
  dailyLossPct: number;
  maxDrawdownPct: number;
  apiErrorCount: number;
  concentrationPct: number;
  staleDataSeconds: number;
  dailyTradeLimit: number;
}

/**
 * One trigger's current reading. `value` and `threshold` are in the trigger's unit (percent,
 * count, seconds); `headroom` is how far the value may still move before the trigger fires.
 * `fired` is the decision; the strings are for people, rounded to 4 places away from the
 * other side of the line, so a reading that did not fire never prints as one that did.
 */
export interface Reading {
  trigger: Exclude<Trigger, "manual">;
  unit: "%" | "count" | "s" | "USD";
  value: string;
  threshold: string;
  headroom: string;
  fired: boolean;
  /** What the reading is about, for the operator: the ticker, or why it could not be computed. */
  detail?: string;
}

const HUNDRED = new Dec(100);

function pctChange(from: Dec, to: Dec): Dec {
  return to.minus(from).div(from).times(HUNDRED);
}

/** daily_loss: equity vs start-of-day equity <= -threshold%. */
export function dailyLoss(s: AccountSnapshot, t: TriggerThresholds): Reading {
  const threshold = new Dec(t.dailyLossPct).neg();
  if (!s.startOfDayEquity || s.startOfDayEquity.lte(0)) {
    return { trigger: "daily_loss", unit: "%", value: "0", threshold: threshold.toFixed(), headroom: new Dec(t.dailyLossPct).toFixed(), fired: false, detail: "no start-of-day equity yet" };
  }
  const change = pctChange(s.startOfDayEquity, s.equity);
  const fired = change.lte(threshold);
  const shown = towardSide(change, fired ? "down" : "up");
  return { trigger: "daily_loss", unit: "%", value: fixed(shown), threshold: threshold.toFixed(), headroom: fixed(shown.minus(threshold)), fired };
}

/** max_drawdown: equity vs peak equity <= -threshold%. */
export function maxDrawdown(s: AccountSnapshot, t: TriggerThresholds): Reading {
  const threshold = new Dec(t.maxDrawdownPct).neg();
  const peak = s.peakEquity && s.peakEquity.gt(s.equity) ? s.peakEquity : s.equity;
  if (peak.lte(0)) {
    return { trigger: "max_drawdown", unit: "%", value: "0", threshold: threshold.toFixed(), headroom: "0", fired: true, detail: "equity is not positive" };
  }
  // The desk's one drawdown (src/domain/portfolio/drawdown.ts), in percent.
  const drawdown = drawdownFrom(peak, s.equity).times(HUNDRED);
  const fired = drawdown.lte(threshold);
  const shown = towardSide(drawdown, fired ? "down" : "up");
  return { trigger: "max_drawdown", unit: "%", value: fixed(shown), threshold: threshold.toFixed(), headroom: fixed(shown.minus(threshold)), fired };
}

/** api_error: at least `apiErrorCount` consecutive broker errors (a success resets the count). */
export function apiErrors(s: AccountSnapshot, t: TriggerThresholds): Reading {
  return {
    trigger: "api_error",
    unit: "count",
    value: String(s.consecutiveApiErrors),
    threshold: String(t.apiErrorCount),
    headroom: String(t.apiErrorCount - s.consecutiveApiErrors),
    fired: s.consecutiveApiErrors >= t.apiErrorCount,
  };
}

/**
 * position_concentration: one position's value > threshold% of equity. A held position whose
 * value cannot be known (no price), or equity that is not positive, fires: fail closed.
 */
export function concentration(s: AccountSnapshot, t: TriggerThresholds): Reading {
  const threshold = new Dec(t.concentrationPct);
  const held = s.positions.filter((p) => p.quantity > 0);
  const base = { trigger: "position_concentration" as const, unit: "%" as const, threshold: threshold.toFixed() };
  if (held.length === 0) return { ...base, value: "0", headroom: threshold.toFixed(), fired: false };
  const unpriced = held.find((p) => !p.lastPrice);
  if (unpriced) return { ...base, value: "0", headroom: "0", fired: true, detail: `${unpriced.ticker} has no price` };
  if (s.equity.lte(0)) return { ...base, value: "0", headroom: "0", fired: true, detail: "equity is not positive" };
  // Find the largest position by value, then divide once: division is the costly step.
  let worst = held[0]!;
  let worstValue = new Dec(-1);
  for (const p of held) {
    const value = p.lastPrice!.times(p.quantity);
    if (value.gt(worstValue)) [worst, worstValue] = [p, value];
  }
  const worstPct = worstValue.div(s.equity).times(HUNDRED);
  const fired = worstPct.gt(threshold);
  const shown = towardSide(worstPct, fired ? "up" : "down");
  return { ...base, value: fixed(shown), headroom: fixed(threshold.minus(shown)), fired, detail: worst.ticker };
}

/**
 * stale_data: during market hours, a held ticker's newest price is older than the threshold.
 * A held ticker with no price at all is stale. Outside market hours nothing is stale.
 */
export function staleData(s: AccountSnapshot, t: TriggerThresholds): Reading {
  const base = { trigger: "stale_data" as const, unit: "s" as const, threshold: String(t.staleDataSeconds) };
  const held = s.positions.filter((p) => p.quantity > 0);
  if (!s.marketOpen || held.length === 0) {
    return { ...base, value: "0", headroom: String(t.staleDataSeconds), fired: false, detail: s.marketOpen ? undefined : "market closed" };
  }
  const missing = held.find((p) => !p.priceTime);
  if (missing) return { ...base, value: "0", headroom: "0", fired: true, detail: `${missing.ticker} has no price` };
  let oldest = held[0]!;
  let oldestAgeMs = -Infinity;
  for (const p of held) {
    const age = s.now.getTime() - p.priceTime!.getTime();
    if (age > oldestAgeMs) [oldest, oldestAgeMs] = [p, age];
  }
  const ageSeconds = new Dec(oldestAgeMs).div(1000);
  return { ...base, value: ageSeconds.toFixed(3), headroom: new Dec(t.staleDataSeconds).minus(ageSeconds).toFixed(3), fired: ageSeconds.gt(t.staleDataSeconds), detail: oldest.priceSource ? `${oldest.ticker} from ${oldest.priceSource}` : oldest.ticker };
}

/** daily_trade_limit: more than `dailyTradeLimit` executed orders in the trading day. */
export function dailyTradeLimit(s: AccountSnapshot, t: TriggerThresholds): Reading {
  return {
    trigger: "daily_trade_limit",
    unit: "count",
    value: String(s.ordersToday),
    threshold: String(t.dailyTradeLimit),
    headroom: String(t.dailyTradeLimit - s.ordersToday),
    fired: s.ordersToday > t.dailyTradeLimit,
  };
}

/**
 * phase_loss: the loss since the phase began reached the phase's limit (micro stops trading at a
 * $10 loss). The pre-trade checks refuse new exposure at that point; this halts the account, so
 * the operator hears of it and a resume takes the override code.
 */
export function phaseLoss(s: AccountSnapshot): Reading {
  const base = { trigger: "phase_loss" as const, unit: "USD" as const };
  const limit = s.phase ? limitsFor(s.phase.mode, s.phase.phase).lossLimit : null;
  if (!s.phase || limit === null) return { ...base, value: "0.00", threshold: "none", headroom: "none", fired: false, detail: "this phase has no loss limit" };
  const loss = Dec.max(new Dec(0), lossSincePhaseStart(s.phase.startEquity, s.equity));
  const fired = loss.gte(limit);
  // Cents, rounded toward the side of the line the reading is on.
  const shown = loss.toDecimalPlaces(2, fired ? Dec.ROUND_CEIL : Dec.ROUND_FLOOR);
  return { ...base, value: shown.toFixed(2), threshold: limit.toFixed(2), headroom: limit.minus(shown).toFixed(2), fired };
}

const EVALUATORS = [dailyLoss, maxDrawdown, apiErrors, concentration, staleData, dailyTradeLimit, phaseLoss];

/** A reading's value or threshold with its unit, for people: "5.2%", "3", "12.5s", "$10.00". */
export function withUnit(value: string, unit: Reading["unit"]): string {
  if (unit === "count") return value;
  if (unit === "USD") return value === "none" ? value : `$${value}`;
  return `${value}${unit}`;
}

/** Every automatic trigger's reading, in a fixed order. */
export function evaluateTriggers(snapshot: AccountSnapshot, thresholds: TriggerThresholds): Reading[] {
  return EVALUATORS.map((evaluate) => evaluate(snapshot, thresholds));
}

/** Rounds to 4 places toward the side of the line the reading is on. */
function towardSide(value: Dec, direction: "up" | "down"): Dec {
  return value.toDecimalPlaces(4, direction === "up" ? Dec.ROUND_CEIL : Dec.ROUND_FLOOR);
}

function fixed(value: Dec): string {
  return value.toFixed(4);
}
