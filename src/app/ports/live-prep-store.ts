import type { Dec } from "../../domain/decimal.js";
import type { EvidenceKind, KillSwitchTest, LivePrepEvidence } from "../../domain/live-prep-checklist.js";
import type { Broker, KillSwitchState, Phase } from "../../domain/vocabulary.js";
import type { PhaseChange } from "./account-store.js";

export interface NewEvidence {
  kind: EvidenceKind;
  passed: boolean;
  subject: string;
  /** One line for people (at most 500 characters; longer is cut). */
  summary: string;
  details: Record<string, unknown>;
  actor: string;
  at: Date;
}

export type PromotionStatus = "pending" | "approved" | "denied" | "expired" | "cancelled" | "failed";

/** A four-eyes request to move an account one rung toward real money (phase_promotions). */
export interface Promotion {
  id: string;
  accountId: string;
  accountName: string;
  from: Phase;
  to: Phase;
  status: PromotionStatus;
  requestedBy: string;
  requestedAt: Date;
  expiresAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  /** The checklist or gate as the requester saw it. */
  evidence: Record<string, unknown>;
  liveAccountId: string | null;
  reason: string;
}

export interface NewPromotion {
  accountId: string;
  from: Phase;
  to: Phase;
  requestedBy: string;
  requestedAt: Date;
  expiresAt: Date;
  evidence: Record<string, unknown>;
}

export interface PromotionSettlement {
  status: "denied" | "expired" | "failed" | "cancelled";
  /** The admin who denied; null when the desk settled it (expiry, failure). */
  by: string | null;
  at: Date;
  reason: string;
}

/** Opening the live account from a live-prep record, or moving the existing one from live-prep to micro. */
export interface LiveAccountOpening {
  /** The approved request; null when four eyes are off (the requester's promotion runs at once). */
  promotionId: string | null;
  /** The account whose promotion this is: the shadow account whose record opens it, or the live account itself. */
  fromAccountId: string;
  requestedBy: string;
  decidedBy: string;
  at: Date;
  broker: Extract<Broker, "kis">;
  /** For a new account: its name, starting cash (the broker's reconciled USD cash), masked broker account and halt reason. */
  name: string;
  /** Null when linking (the existing account keeps its book). */
  cash: Dec | null;
  brokerAccount: string | null;
  haltReason: string;
  /** What was checked, kept on the audit rows. */
  evidence: Record<string, unknown>;
}

export type LiveAccountResult =
  | { outcome: "opened"; accountId: string; name: string; cash: Dec; state: KillSwitchState }
  | { outcome: "linked"; accountId: string; name: string; phaseStartEquity: Dec; state: KillSwitchState }
  /** The request was no longer pending (another admin decided first, or it expired). */
  | { outcome: "not_pending" }
  | { outcome: "refused"; reason: string };

export interface LivePrepStore {
  recordEvidence(evidence: NewEvidence): Promise<void>;
  /** Evidence rows created at or after `since`, oldest first. */
  evidenceSince(since: Date): Promise<LivePrepEvidence[]>;
  /** Halts and resumes of any account's kill switch at or after `since`, oldest first. */
  killSwitchTestsSince(since: Date): Promise<KillSwitchTest[]>;
  /** The desk's live account on this broker (at most one); undefined when none was opened. */
  liveAccount(broker: Extract<Broker, "kis">): Promise<{ id: string; name: string; phase: Phase } | undefined>;

  /**
   * Records a pending request (one per account: a pending one that has expired is marked so
   * first), with an audit row. Returns the other pending request when one is still open.
   */
  requestPromotion(request: NewPromotion): Promise<{ created: Promotion } | { pending: Promotion }>;
  promotion(id: string): Promise<Promotion | undefined>;
  /** pending -> a final status, with an audit row; undefined when it was no longer pending (the first decision won). */
  settlePromotion(id: string, settlement: PromotionSettlement): Promise<Promotion | undefined>;
  /**
   * In one transaction: marks the request approved (when it is still pending and not expired:
   * else `not_pending` and nothing changes), then opens the live account (HALTED kill-switch
   * row, audit rows) or moves the live account in live-prep to micro, and records it on the request.
   */
  openOrLinkLiveAccount(opening: LiveAccountOpening): Promise<LiveAccountResult>;
  /** The same for a phase change of an existing account (micro -> small): the request approved and the phase moved at once. */
  approvePhaseChange(promotionId: string, decidedBy: string, change: PhaseChange): Promise<{ outcome: "changed"; phaseStartEquity: Dec } | { outcome: "not_pending" } | { outcome: "phase_changed" }>;
}
