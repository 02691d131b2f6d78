import type { Broker, OrderStatus, Side } from "../../domain/vocabulary.js";
import type { AuditEntry } from "../ports/audit-log.js";
import type { Clock } from "../ports/clock.js";
import type { Notifier } from "../ports/notifier.js";

/** How long work may stay half-done before it counts as interrupted: far beyond any live decision or broker call. */
export const RECOVERY_GRACE_MS = 2 * 60_000;

export const NOT_PLACED = "the desk stopped before the order was placed; not retried";
export const ANSWER_LOST = "the desk stopped before the paper broker's answer was recorded; not retried";
export const RECONCILING = "the desk stopped while placing it; its broker is asked what became of it";

const ACTOR = "system:recovery";

/** An order recorded (`new`) whose broker answer never was. */
export interface UnansweredOrder {
  id: string;
  accountId: string;
  accountName: string;
  broker: Broker;
  side: Side;
  ticker: string;
  quantity: number;
  proposalId: string | null;
  createdAt: Date;
}

/** An approved proposal never settled, with the order recorded for it, if any. */
export interface UnsettledProposal {
  id: string;
  accountId: string;
  accountName: string;
  side: Side;
  ticker: string;
  quantity: number;
  decidedBy: string | null;
  order: { id: string; status: OrderStatus; statusReason: string | null; filledQuantity: number } | null;
}

export interface InterruptedWorkStore {
  /** Orders still `new` that were recorded before `cutoff`, oldest first. */
  unansweredOrders(cutoff: Date): Promise<UnansweredOrder[]>;
  /** Moves an order out of `new`, with its audit row, in one transaction; false when it had left `new` meanwhile. */
  resolveOrder(orderId: string, to: "failed" | "unknown", reason: string, audit: AuditEntry): Promise<boolean>;
  /** Proposals `approved` before `cutoff` and never settled, oldest first. */
  unsettledProposals(cutoff: Date): Promise<UnsettledProposal[]>;
  /**
   * Settles a still-approved proposal, with its audit row, in one transaction. With `onlyWithoutOrder`
   * it does so only while no order is recorded for it, checked under the proposal's row lock (the
   * order path takes the same lock to record one). False when nothing changed.
   */
  settleProposal(proposalId: string, to: "executed" | "failed", reason: string | null, audit: AuditEntry, options: { onlyWithoutOrder: boolean }): Promise<boolean>;
}

/** The part of a (pino) logger recovery uses. */
export interface RecoveryLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface RecoveryDeps {
  store: InterruptedWorkStore;
  notifier: Notifier;
  clock: Clock;
  log: RecoveryLog;
}

export interface RecoveryReport {
  orders: { orderId: string; accountId: string; to: "failed" | "unknown"; reason: string }[];
  proposals: { proposalId: string; accountId: string; to: "executed" | "failed"; reason: string | null }[];
  /** Approved proposals whose order waits for the broker (unknown, or just sent there): the order reconciliation settles them first. */
  waiting: { proposalId: string; orderId: string; orderStatus: OrderStatus }[];
}

/**
 * Finds and resolves what a crash can leave half-done, failing closed (nothing is ever placed or
 * re-sent here):
 * - an order recorded (`new`) whose broker answer was never recorded: on the paper broker it is
 *   failed (nothing exists outside the desk's book); on a real broker it becomes `unknown`, so
 *   the order reconciliation asks the broker whether it got it;
 * - a proposal left `approved`: executed when its order filled (or works at the broker), failed
 *   when its order was rejected or never recorded, and left to the order reconciliation while
 *   its order's fate is still unknown.
 * Each resolution is logged, audited in the transaction that makes it, and told to the admins.
 * Running it again changes nothing. Run by the approval-expiry job and once at start-up.
 */
export async function recoverInterruptedWork(deps: RecoveryDeps, options: { graceMs?: number } = {}): Promise<RecoveryReport> {
  const cutoff = new Date(deps.clock.now().getTime() - (options.graceMs ?? RECOVERY_GRACE_MS));
  const report: RecoveryReport = { orders: [], proposals: [], waiting: [] };

  for (const order of await deps.store.unansweredOrders(cutoff)) {
    const to = order.broker === "paper" ? "failed" : "unknown";
    const reason = to === "failed" ? ANSWER_LOST : RECONCILING;
    const what = { orderId: order.id, accountId: order.accountId, broker: order.broker, side: order.side, ticker: order.ticker, quantity: order.quantity, recordedAt: order.createdAt.toISOString() };
    const changed = await deps.store.resolveOrder(order.id, to, reason, { actor: ACTOR, action: `order.recovered.${to}`, accountId: order.accountId, subject: order.id, details: { ...what, reason } });
    if (!changed) continue;
    report.orders.push({ orderId: order.id, accountId: order.accountId, to, reason });
    deps.log.warn({ ...what, to, reason }, "interrupted order resolved");
    await tell(deps, order.accountId, order.accountName, `Interrupted order ${to === "failed" ? "failed" : "sent to reconciliation"}: ${order.side} ${order.quantity} ${order.ticker}`, [reason, `order ${order.id}`]);
  }

  for (const proposal of await deps.store.unsettledProposals(cutoff)) {
    const order = proposal.order;
    const settlement = settle(order);
    if (!settlement) {
      report.waiting.push({ proposalId: proposal.id, orderId: order!.id, orderStatus: order!.status });
      deps.log.info({ proposalId: proposal.id, orderId: order!.id, orderStatus: order!.status }, "approved proposal waits for its order's reconciliation");
      continue;
    }
    const what = { proposalId: proposal.id, accountId: proposal.accountId, side: proposal.side, ticker: proposal.ticker, quantity: proposal.quantity, approvedBy: proposal.decidedBy, orderId: order?.id ?? null, orderStatus: order?.status ?? null };
    const changed = await deps.store.settleProposal(
      proposal.id,
      settlement.to,
      settlement.reason,
      { actor: ACTOR, action: `proposal.recovered.${settlement.to}`, accountId: proposal.accountId, subject: proposal.id, details: { ...what, reason: settlement.reason } },
      { onlyWithoutOrder: order === null },
    );
    if (!changed) continue;
    report.proposals.push({ proposalId: proposal.id, accountId: proposal.accountId, to: settlement.to, reason: settlement.reason });
    deps.log.warn({ ...what, to: settlement.to, reason: settlement.reason }, "interrupted proposal settled");
    await tell(deps, proposal.accountId, proposal.accountName, `Interrupted approval ${settlement.to}: ${proposal.side} ${proposal.quantity} ${proposal.ticker}`, [
      settlement.reason ?? `its order was ${order?.status ?? "recorded"} (${order?.filledQuantity ?? 0} filled)`,
      `approved by ${proposal.decidedBy ?? "unknown"}; proposal ${proposal.id}`,
    ]);
  }
  return report;
}

/** What an interrupted approval becomes, from its order (as decideProposal would have settled it); undefined while the order's fate is unknown. */
function settle(order: UnsettledProposal["order"]): { to: "executed" | "failed"; reason: string | null } | undefined {
  if (!order) return { to: "failed", reason: NOT_PLACED };
  switch (order.status) {
    case "filled":
    case "partially_filled":
    case "submitted":
      return { to: "executed", reason: `recovered after a restart: its order was ${order.status}` };
    case "rejected":
    case "failed":
    case "cancelled":
      return { to: "failed", reason: order.statusReason ?? `its order was ${order.status}` };
    case "new":
    case "unknown":
      return undefined;
  }
}

/** Money was (or was meant to be) involved: the admins hear of every resolution. */
async function tell(deps: RecoveryDeps, accountId: string, accountName: string, title: string, lines: string[]): Promise<void> {
  await deps.notifier.notify({ kind: "desk_health", accountId, accountName, title, lines, at: deps.clock.now() });
}
