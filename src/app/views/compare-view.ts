import { pairsOf, summarizeTracking, type TrackedPair, type TrackingSummary, type TrackingTargets, type TrackingVerdict } from "../../domain/tracking.js";
import type { Phase } from "../../domain/vocabulary.js";
import { trackingGateOf } from "../accounts/tracking-gate.js";
import type { Clock } from "../ports/clock.js";
import type { DeskReader } from "../ports/desk-reader.js";
import type { MirrorStore } from "../ports/mirror-store.js";

export interface CompareDeps {
  reader: Pick<DeskReader, "accounts">;
  mirrors: Pick<MirrorStore, "decisions">;
  clock: Clock;
  /** TRACKING_ERROR_MAX_BPS and TRACKING_MIN_PAIRS. */
  targets: TrackingTargets;
}

/** One live account measured against the shadow side of the same decisions. */
export interface LiveComparison {
  live: { id: string; name: string; phase: Phase };
  /** The window's pairs, oldest first. */
  pairs: TrackedPair[];
  byTicker: TrackingSummary[];
  total: TrackingSummary;
  /** The tracking-error gate as the promotion reads it: since the live account's phase began, whatever the window. */
  gate: TrackingVerdict & { since: Date | null };
}

export interface CompareView {
  since: Date;
  /** null: every ticker. */
  ticker: string | null;
  comparisons: LiveComparison[];
}

/** Every live account's mirrored decisions made at or after `since` (and before `until`; of one ticker when given), against shadow. */
export async function compareSince(deps: CompareDeps, since: Date, ticker: string | null = null, until?: Date): Promise<CompareView> {
  const lives = (await deps.reader.accounts()).filter((a) => a.mode === "live");
  if (lives.length === 0) return { since, ticker, comparisons: [] };
  const all = await deps.mirrors.decisions({ since, ...(ticker ? { ticker } : {}) });
  const decisions = until ? all.filter((d) => d.at < until) : all;
  const comparisons: LiveComparison[] = [];
  for (const live of lives) {
    const pairs = pairsOf(decisions, live.id);
    // The account as just read: the gate needs no second look at it.
    const gate = await trackingGateOf(deps, live, deps.targets);
    comparisons.push({ live: { id: live.id, name: live.name, phase: live.phase }, pairs, ...summarizeTracking(pairs), gate });
  }
  return { since, ticker, comparisons };
}

/** /compare: the last `days` days on the desk's clock. */
export function buildCompareView(deps: CompareDeps, request: { days: number; ticker: string | null }): Promise<CompareView & { days: number }> {
  const since = new Date(deps.clock.now().getTime() - request.days * 86_400_000);
  return compareSince(deps, since, request.ticker).then((view) => ({ ...view, days: request.days }));
}
