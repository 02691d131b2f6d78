import { Dec } from "./decimal.js";

/**
 * How close a long position is to its stop, for the monitor. Pure and exact. The distance is a
 * percentage of the last price (not of the stop), because that is how far the price itself must
 * fall: 110 with a stop at 95 is 13.64% away.
 */

export type StopState = "Safe" | "Near" | "Hit" | "None";

export interface StopStatus {
  status: StopState;
  /** (last - stop) / last * 100; negative once the price is under the stop; null without a stop or a positive price. */
  distancePct: Dec | null;
}

const HUNDRED = new Dec(100);

/**
 * Hit when last <= stop (the stop-loss scan sells at or under it), Near when the distance is at
 * most `nearPct`, Safe otherwise, None when there is no stop. A last price that is not positive
 * cannot be divided by; it is at or under any (positive) stop, so it is Hit with no distance.
 */
export function stopStatus(last: Dec, stop: Dec | null, nearPct: Dec): StopStatus {
  if (stop === null) return { status: "None", distancePct: null };
  if (!last.gt(0)) return { status: "Hit", distancePct: null };
  const distancePct = last.minus(stop).div(last).times(HUNDRED);
  if (last.lte(stop)) return { status: "Hit", distancePct };
  return { status: distancePct.lte(nearPct) ? "Near" : "Safe", distancePct };
}
