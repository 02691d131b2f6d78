import type { OrderTerms } from "../../domain/orders/order-request.js";
import type { AccountMode, ProposalStatus } from "../../domain/vocabulary.js";

/** A stored proposal: the order's terms (its idempotency key stays in the store) and the decision. */
export interface Proposal extends Omit<OrderTerms, "idempotencyKey"> {
  id: string;
  /** The account it would trade: every message about a proposal names it. */
  accountName: string;
  accountMode: AccountMode;
  rationale: string;
  status: ProposalStatus;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  expiresAt: Date;
  createdAt: Date;
}

export interface NewProposal extends OrderTerms {
  rationale: string;
  expiresAt: Date;
}

export interface ProposalStore {
  /** Creates the proposal; the same idempotency key twice returns the first one. */
  create(proposal: NewProposal): Promise<{ proposal: Proposal; created: boolean }>;
  get(id: string): Promise<Proposal | undefined>;
  pending(accountId?: string): Promise<Proposal[]>;
  /**
   * The first decision wins: moves pending -> `to` only while it is still pending, unexpired at
   * `now`, and (with four eyes) decided by someone other than the requester. Undefined when it lost.
   */
  decide(id: string, to: "approved" | "denied", actor: string, now: Date, fourEyes: boolean): Promise<Proposal | undefined>;
  /** After an approved proposal ran: executed, failed or rejected_by_risk, with the reason. */
  settle(id: string, to: "executed" | "failed" | "rejected_by_risk", reason: string | null): Promise<void>;
  /** Pending proposals past their expiry become expired; returns them. */
  expire(now: Date): Promise<Proposal[]>;
}
