import { evaluateTrackingGate, pairsOf, type TrackingTargets, type TrackingVerdict } from "../../domain/tracking.js";
import type { AccountSummary, DeskReader } from "../ports/desk-reader.js";
import type { MirrorStore } from "../ports/mirror-store.js";

export interface TrackingGateDeps {
  reader: Pick<DeskReader, "account">;
  mirrors: Pick<MirrorStore, "decisions">;
}

/**
 * The tracking-error gate of a live account (TRACKING_ERROR_MAX_BPS, TRACKING_MIN_PAIRS): its
 * mirrored decisions since its current phase began (the micro record it would leave), each
 * paired with the shadow side, must include `minPairs` filled on both sides, with a mean
 * absolute slippage of live against shadow of at most `maxBps`. An unknown account, or one
 * with no pairs, fails: no evidence is not evidence of tracking.
 */
export async function trackingGateFor(deps: TrackingGateDeps, liveAccountId: string, targets: TrackingTargets): Promise<TrackingVerdict & { since: Date | null }> {
  return trackingGateOf(deps, await deps.reader.account(liveAccountId), targets);
}

/** The same for an account already read (undefined: unknown). */
export async function trackingGateOf(deps: Pick<TrackingGateDeps, "mirrors">, account: AccountSummary | undefined, targets: TrackingTargets): Promise<TrackingVerdict & { since: Date | null }> {
  if (!account || account.mode !== "live") return { ...evaluateTrackingGate([], targets), since: null };
  const decisions = await deps.mirrors.decisions({ since: account.phaseStartedAt, liveAccountId: account.id });
  return { ...evaluateTrackingGate(pairsOf(decisions, account.id), targets), since: account.phaseStartedAt };
}
