import type { Dec } from "../../domain/decimal.js";
import { limitsFor } from "../../domain/risk/phase-limits.js";
import { sizeForAccount } from "../../domain/risk/size-for-account.js";
import type { AccountMode, Phase, Side } from "../../domain/vocabulary.js";
import { requestOrder, type ApprovalDeps, type RequestOutcome } from "../approvals/request-order.js";
import type { AccountSummary, DeskReader } from "../ports/desk-reader.js";
import type { MirrorLeg, MirrorStore } from "../ports/mirror-store.js";
import type { PriceStore } from "../ports/price-store.js";
import type { Proposal } from "../ports/proposal-store.js";
import type { ProposalBoard } from "../ports/proposal-board.js";

export interface MirrorDeps {
  approvals: ApprovalDeps;
  board: ProposalBoard;
  mirrors: MirrorStore;
  reader: Pick<DeskReader, "accounts" | "positions">;
  prices: Pick<PriceStore, "latest">;
}

export interface MirrorRequest {
  source: "warroom" | "operator";
  ticker: string;
  side: Side;
  /** The chair's quantity (sized on the reference shadow account) or the operator's. */
  quantity: number;
  /** A BUY's stop, as the order path takes it ("171.50"); null for none. */
  stopPrice: string | null;
  /** Absent: market orders. */
  limitPrice?: string | null;
  warroomSessionId?: string;
  requestedBy: string;
  rationale: string;
  /** Each account's order or proposal uses `${idempotencyBase}-${accountId.slice(0, 8)}`. */
  idempotencyBase: string;
  /** The price the decision was made at; the ticker's newest stored price when omitted. */
  price?: Dec | null;
  /** The chair's SELL sells everything held: each account sells what it holds. */
  sellAll?: boolean;
}

export interface MirrorLegResult extends MirrorLeg {
  accountName: string;
  mode: AccountMode;
  phase: Phase;
  /** false: an earlier run had recorded this leg, and nothing was requested again. */
  recorded: boolean;
  /** What the order path answered in this run; absent for a leg not sized or recorded earlier. */
  request?: RequestOutcome;
  /** The proposal this run made or found, to approve. */
  proposal?: Proposal;
}

export interface MirrorResult {
  mirrorId: string;
  /** false: an earlier run had recorded the decision. */
  created: boolean;
  /** One per eligible account, oldest account first. */
  legs: MirrorLegResult[];
  /** Accounts whose phase places no orders (live-prep): no leg. */
  skipped: { accountId: string; accountName: string; phase: Phase }[];
}

/** The idempotency key of one account's order or proposal for a mirrored decision. */
function legKey(idempotencyBase: string, accountId: string): string {
  return `${idempotencyBase}-${accountId.slice(0, 8)}`;
}

/**
 * One decision sent to every account whose phase trades (issue 14): recorded once, then for
 * each account sized by that account (sizeForAccount), requested through the one approval path
 * (its own pre-trade checks and kill switch; live accounts always wait for a trader), a new
 * proposal posted with its own Approve / Deny, and the leg recorded with what became of it.
 * Idempotent: a second run for the same War Room session (or idempotency base) requests
 * nothing for a leg already recorded, and the order path's keys stop any double order.
 */
export async function mirrorDecision(deps: MirrorDeps, request: MirrorRequest): Promise<MirrorResult> {
  const accounts = await deps.reader.accounts();
  const eligible: AccountSummary[] = [];
  const skipped: MirrorResult["skipped"] = [];
  for (const a of accounts) {
    if (limitsFor(a.mode, a.phase).trading) eligible.push(a);
    else skipped.push({ accountId: a.id, accountName: a.name, phase: a.phase });
  }
  const { id: mirrorId, created } = await deps.mirrors.recordDecision(
    { idempotencyKey: request.idempotencyBase, source: request.source, warroomSessionId: request.warroomSessionId ?? null, ticker: request.ticker, side: request.side, requestedBy: request.requestedBy, at: deps.approvals.execution.killSwitch.clock.now() },
  );
  const earlier = new Map((await deps.mirrors.legs(mirrorId)).map((l) => [l.accountId, l]));
  const price = request.price !== undefined ? request.price : ((await deps.prices.latest(request.ticker))?.close ?? null);

  const legs: MirrorLegResult[] = [];
  for (const account of eligible) {
    const about = { accountName: account.name, mode: account.mode, phase: account.phase };
    const known = earlier.get(account.id);
    if (known) {
      legs.push({ ...known, ...about, recorded: false });
      continue;
    }
    const { leg, outcome } = await legFor(deps, request, account, price);
    const recorded = await deps.mirrors.recordLeg(mirrorId, leg);
    const proposal = outcome?.status === "pending_approval" ? outcome.proposal : undefined;
    if (outcome?.status === "pending_approval" && outcome.created) await deps.board.post(outcome.proposal);
    legs.push({ ...leg, ...about, recorded, ...(outcome ? { request: outcome } : {}), ...(proposal ? { proposal } : {}) });
  }
  return { mirrorId, created, legs, skipped };
}

/** One account's side: sized, then requested; a throw is recorded as a failed leg, the others go on. */
async function legFor(deps: MirrorDeps, request: MirrorRequest, account: AccountSummary, price: Dec | null): Promise<{ leg: MirrorLeg; outcome?: RequestOutcome }> {
  const base = { accountId: account.id, proposalId: null, orderId: null };
  try {
    const positions = new Map<string, { quantity: number; value: Dec }>();
    let equity = account.cash;
    for (const p of await deps.reader.positions(account.id)) {
      // Valued as the pre-trade check values it: at the newest price, an unpriced position at cost.
      const value = p.lastPrice ? p.lastPrice.times(p.quantity) : p.costBasis;
      positions.set(p.ticker, { quantity: p.quantity, value });
      equity = equity.plus(value);
    }
    const execution = deps.approvals.execution;
    const sizing = sizeForAccount(
      { side: request.side, ticker: request.ticker, price, quantity: request.quantity, ...(request.sellAll ? { sellAll: true } : {}) },
      { mode: account.mode, phase: account.phase, equity, cash: account.cash, positions, concentrationPct: execution.killSwitch.thresholds.concentrationPct, commission: execution.settings.commissionPerOrder, slippageBps: execution.settings.slippageBps },
    );
    if (sizing.quantity === 0) return { leg: { ...base, quantity: null, outcome: "not_sized", reason: sizing.reason ?? "nothing fits" } };

    const note = sizing.reason ? `\n\nSized for ${account.name}: ${sizing.reason}` : "";
    const outcome = await requestOrder(deps.approvals, {
      accountId: account.id,
      idempotencyKey: legKey(request.idempotencyBase, account.id),
      source: request.source,
      side: request.side,
      ticker: request.ticker,
      quantity: sizing.quantity,
      limitPrice: request.limitPrice ?? null,
      stopPrice: request.side === "BUY" ? request.stopPrice : null,
      requestedBy: request.requestedBy,
      rationale: `${request.rationale}${note}`,
    });
    return { leg: { ...base, quantity: sizing.quantity, ...legOf(outcome, sizing.reason ?? "") }, outcome };
  } catch (error) {
    return { leg: { ...base, quantity: null, outcome: "failed", reason: error instanceof Error ? error.message : String(error) } };
  }
}

/** What the order path's answer makes of a leg. */
function legOf(outcome: RequestOutcome, note: string): Pick<MirrorLeg, "outcome" | "reason" | "proposalId" | "orderId"> {
  switch (outcome.status) {
    case "pending_approval":
      return { outcome: "proposed", reason: note, proposalId: outcome.proposal.id, orderId: null };
    case "refused":
      return { outcome: "refused", reason: outcome.refusals.map((r) => r.message).join("; "), proposalId: null, orderId: null };
    case "invalid":
      return { outcome: "failed", reason: outcome.errors.join("; "), proposalId: null, orderId: null };
    case "unknown_account":
      return { outcome: "failed", reason: "the account no longer exists", proposalId: null, orderId: null };
    case "would_pass":
      return { outcome: "failed", reason: "the order path only checked the order", proposalId: null, orderId: null };
    case "rejected":
      return { outcome: "failed", reason: outcome.reason, proposalId: null, orderId: outcome.orderId };
    case "unknown":
      return { outcome: "executed", reason: outcome.detail, proposalId: null, orderId: outcome.orderId };
    case "duplicate":
    case "filled":
    case "partially_filled":
    case "resting":
      return { outcome: "executed", reason: note, proposalId: null, orderId: outcome.orderId };
  }
}
