import type { Proposal } from "./proposal-store.js";

/**
 * Where proposals wait for a trader: every copy of a proposal's message (one per trader's chat)
 * is remembered so that any process (the bot on a press, the worker on expiry) can edit them all
 * to show the outcome. Implementations never throw: a failed post or edit is logged.
 */
export interface ProposalBoard {
  /** Posts the proposal with Approve / Deny to every operator who may decide it. */
  post(proposal: Proposal): Promise<void>;
  /** Edits every posted copy to show the proposal's final state (buttons removed). */
  settle(proposal: Proposal, detail?: string): Promise<void>;
  /** Settles copies of proposals that left `pending` without a press (expiry, a halt's cancellation). */
  sweep(): Promise<number>;
}
