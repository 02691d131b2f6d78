import { Dec } from "../../decimal.js";

/** Places of an agent's confidence: agent_votes.confidence is numeric(5,4). */
export const CONFIDENCE_PLACES = 4;

const HOUR_MS = 3_600_000;

/** A 0..1 figure from the analysis as a vote's confidence: clipped, 4 places, half-even. */
export function toConfidence(value: number): Dec {
  const clipped = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
  return new Dec(clipped).toDecimalPlaces(CONFIDENCE_PLACES, Dec.ROUND_HALF_EVEN);
}

/** Age of `at` at `now` in hours; negative for a time after `now`. */
export function ageHours(now: Date, at: Date): number {
  return (now.getTime() - at.getTime()) / HOUR_MS;
}

/** Weight of an item `ageH` hours old that halves every `halfLifeH` hours: 1 when new. */
export function recencyWeight(ageH: number, halfLifeH: number): number {
  return Math.pow(0.5, Math.max(0, ageH) / halfLifeH);
}

/** A number for a rationale, to `places` places, with a sign when asked. */
export function fmt(value: number, places: number, signed = false): string {
  const text = value.toFixed(places);
  return signed && value >= 0 ? `+${text}` : text;
}

/** A headline shortened for a rationale line. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
