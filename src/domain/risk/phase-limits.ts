import { Dec } from "../decimal.js";
import type { AccountMode, Phase } from "../vocabulary.js";

export interface PhaseLimits {
  /** live-prep is a checklist: it places no orders at all. */
  trading: boolean;
  /** Most exposure (sum of position values after the trade) the phase may hold; null = equity-bound only. */
  capital: Dec | null;
  maxSharesPerOrder: number | null;
  maxPositionValue: Dec | null;
  /** Loss since the phase began at which trading stops. */
  lossLimit: Dec | null;
}

/** DESIGN.md section 2: the rollout phases and what each may do. */
export const PHASE_LIMITS: Readonly<Record<Phase, PhaseLimits>> = {
  shadow: { trading: true, capital: null, maxSharesPerOrder: null, maxPositionValue: null, lossLimit: null },
  "live-prep": { trading: false, capital: null, maxSharesPerOrder: null, maxPositionValue: null, lossLimit: null },
  micro: { trading: true, capital: new Dec(100), maxSharesPerOrder: 1, maxPositionValue: null, lossLimit: new Dec(10) },
  small: { trading: true, capital: new Dec(1000), maxSharesPerOrder: null, maxPositionValue: new Dec(200), lossLimit: null },
};

/**
 * The limits that bind an account: a live account's phase's; a shadow (paper) account always
 * trades under shadow's, whatever rung its record has reached, because shadow trading goes on
 * beside live (its `live-prep` means its record opened the path to a live account). Without a
 * mode the phase's own limits apply: the stricter reading.
 */
export function limitsFor(mode: AccountMode | undefined, phase: Phase): PhaseLimits {
  return mode === "shadow" ? PHASE_LIMITS.shadow : PHASE_LIMITS[phase];
}

/** What the phase has lost so far (negative when it gained): the phase loss limit's one measure. */
export function lossSincePhaseStart(phaseStartEquity: Dec, equity: Dec): Dec {
  return phaseStartEquity.minus(equity);
}
