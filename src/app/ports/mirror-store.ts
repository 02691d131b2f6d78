import type { MirroredDecisionRecord, MirrorOutcome } from "../../domain/tracking.js";
import type { Side } from "../../domain/vocabulary.js";

/** One decision sent to every eligible account: a War Room session's, or an operator's --mirror order. */
export interface NewMirroredDecision {
  source: "warroom" | "operator";
  /** Records the decision once: a re-run (a re-delivered command, a retried job) finds it again. */
  idempotencyKey: string;
  /** A War Room session has at most one mirrored decision. */
  warroomSessionId: string | null;
  ticker: string;
  side: Side;
  requestedBy: string;
  /** When it was made, on the desk's clock (the /compare window and the gate's count from it). */
  at: Date;
}

/** One account's side of it: what it was sized to, and what became of it. */
export interface MirrorLeg {
  accountId: string;
  /** null when nothing fitted (not_sized) or it failed before sizing. */
  quantity: number | null;
  outcome: MirrorOutcome;
  /** The refusal messages, the sizing note, the failure; "" when there is nothing to say. */
  reason: string;
  proposalId: string | null;
  /** The order, when it ran without a proposal (an account that needs no approval). */
  orderId: string | null;
}

export interface MirrorStore {
  /**
   * Records the decision once: a re-run finds it by its idempotency key (a War Room session's
   * also by its session). `created` is false when an earlier run had recorded it.
   */
  recordDecision(decision: NewMirroredDecision): Promise<{ id: string; created: boolean }>;
  /** The legs recorded for a decision, by account. */
  legs(mirrorId: string): Promise<MirrorLeg[]>;
  /**
   * Records a leg once; false when it was already on record (the decision had a leg for that
   * account, or that proposal or order is another decision's leg): nothing changes then.
   */
  recordLeg(mirrorId: string, leg: MirrorLeg): Promise<boolean>;
  /**
   * Decisions made at or after `since` (of one ticker when given) that have a live side (of
   * `liveAccountId` when given), each with every side, its proposal, order and fills; oldest first.
   */
  decisions(query: { since: Date; ticker?: string; liveAccountId?: string }): Promise<MirroredDecisionRecord[]>;
}
