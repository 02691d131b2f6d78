import { Dec } from "../decimal.js";

/**
 * Moving-average crossover, long only. Pure and exact: every average is a `Dec`, so a cross is
 * decided on the same digits whatever the platform.
 *
 * BUY (when flat) on the bar where the fast simple moving average closes above the slow one
 * after having been at or below it on the bar before; SELL everything (when long) on the bar
 * where it closes below after having been at or above it.
 */

export interface SmaCrossParams {
  /** Bars in the fast average. */
  fast: number;
  /** Bars in the slow average; more than `fast`. */
  slow: number;
  /** Share of equity a new position is sized to, in percent (whole shares, rounded down). */
  sizePct: number;
}

/** 20% keeps a new position well under the desk's 30% concentration limit. */
export const SMA_CROSS_DEFAULTS: Readonly<SmaCrossParams> = { fast: 10, slow: 30, sizePct: 20 };

export interface SmaCrossInput {
  /** Closes so far, oldest first; the last one is the bar being decided on. */
  closes: readonly Dec[];
  /** Shares held now (0 = flat). */
  heldQuantity: number;
  /** Cash plus the position at the last close: what the size is a fraction of. */
  equity: Dec;
  params: SmaCrossParams;
}

export type SmaCrossSignal =
  | { action: "BUY" | "SELL"; quantity: number; reason: string }
  | { action: "HOLD"; reason: string };

/** Every problem with the parameters; empty when they are usable. */
export function validateSmaCrossParams(params: SmaCrossParams): string[] {
  const errors: string[] = [];
  const whole = (n: number) => Number.isSafeInteger(n) && n >= 1;
  if (!whole(params.fast)) errors.push(`fast must be a whole number of bars >= 1, got ${String(params.fast)}`);
  if (!whole(params.slow)) errors.push(`slow must be a whole number of bars >= 1, got ${String(params.slow)}`);
  if (whole(params.fast) && whole(params.slow) && params.slow <= params.fast) {
    errors.push(`slow (${params.slow}) must be longer than fast (${params.fast})`);
  }
  if (!Number.isFinite(params.sizePct) || params.sizePct <= 0 || params.sizePct >= 100) {
    errors.push(`size must be a percentage of equity above 0 and below 100, got ${String(params.sizePct)}`);
  }
  return errors;
}

/** Mean of the `period` closes ending just before index `end` (exclusive). */
export function sma(closes: readonly Dec[], period: number, end: number = closes.length): Dec {
  if (!Number.isSafeInteger(period) || period < 1) throw new RangeError(`period must be a whole number >= 1, got ${String(period)}`);
  if (end < period || end > closes.length) throw new RangeError(`need ${period} closes before index ${end}, have ${Math.min(end, closes.length)}`);
  let sum = new Dec(0);
  for (let i = end - period; i < end; i += 1) sum = sum.plus(closes[i]!);
  return sum.div(period);
}

/** Whole shares worth at most `sizePct`% of equity at `price`; 0 when nothing fits. */
export function positionSize(equity: Dec, price: Dec, sizePct: number): number {
  if (!equity.gt(0) || !price.gt(0)) return 0;
  const shares = equity.times(new Dec(sizePct)).div(100).div(price).floor();
  return shares.gt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : shares.toNumber();
}

export type Cross = "up" | "down" | null;

/** How the fast average crossed the slow one on the last bar; null with fewer than slow + 1 closes. */
export function lastCross(closes: readonly Dec[], fast: number, slow: number): Cross {
  const n = closes.length;
  if (n < slow + 1) return null;
  const fastNow = sma(closes, fast, n);
  const slowNow = sma(closes, slow, n);
  const fastBefore = sma(closes, fast, n - 1);
  const slowBefore = sma(closes, slow, n - 1);
  if (fastBefore.lte(slowBefore) && fastNow.gt(slowNow)) return "up";
  if (fastBefore.gte(slowBefore) && fastNow.lt(slowNow)) return "down";
  return null;
}

export function smaCross(input: SmaCrossInput): SmaCrossSignal {
  const { closes, heldQuantity, equity, params } = input;
  const errors = validateSmaCrossParams(params);
  if (errors.length > 0) throw new RangeError(errors.join("; "));
  const cross = lastCross(closes, params.fast, params.slow);
  const label = `SMA${params.fast}/SMA${params.slow}`;
  if (cross === null) {
    return { action: "HOLD", reason: closes.length < params.slow + 1 ? `warming up (${closes.length}/${params.slow + 1} closes)` : `no ${label} cross` };
  }
  if (cross === "up") {
    if (heldQuantity > 0) return { action: "HOLD", reason: `${label} crossed up, already long` };
    const quantity = positionSize(equity, closes.at(-1)!, params.sizePct);
    if (quantity === 0) return { action: "HOLD", reason: `${label} crossed up, but ${params.sizePct}% of equity buys no whole share` };
    return { action: "BUY", quantity, reason: `${label} crossed up` };
  }
  if (heldQuantity <= 0) return { action: "HOLD", reason: `${label} crossed down, already flat` };
  return { action: "SELL", quantity: heldQuantity, reason: `${label} crossed down` };
}
