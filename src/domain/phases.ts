import { PHASES, type Phase } from "./vocabulary.js";

/**
 * The rollout ladder of DESIGN.md section 2: shadow -> live-prep -> micro -> small. An account
 * climbs one rung at a time (a promotion) and may always step down one (a demotion).
 */
export const PHASE_ORDER: readonly Phase[] = PHASES;

export function isPhase(value: string): value is Phase {
  return (PHASE_ORDER as readonly string[]).includes(value);
}

/** The rung above, or undefined on the last one. */
export function nextPhase(phase: Phase): Phase | undefined {
  const i = PHASE_ORDER.indexOf(phase);
  return i < 0 ? undefined : PHASE_ORDER[i + 1];
}

/** The rung below, or undefined on the first one. */
export function previousPhase(phase: Phase): Phase | undefined {
  const i = PHASE_ORDER.indexOf(phase);
  return i <= 0 ? undefined : PHASE_ORDER[i - 1];
}
