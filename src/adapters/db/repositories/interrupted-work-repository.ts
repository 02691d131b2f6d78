import type pg from "pg";
import type { DataSource } from "typeorm";
import type { InterruptedWorkStore, UnansweredOrder, UnsettledProposal } from "../../../app/approvals/recover-interrupted.js";
import type { AuditEntry } from "../../../app/ports/audit-log.js";
import type { Broker, OrderStatus, Side } from "../../../domain/vocabulary.js";
import { pgPool } from "../pool.js";
import { recordAudit } from "./audit-log-repository.js";
import { inTransaction } from "../transaction.js";

/** The order recorded for a proposal: linked by id, or by the idempotency key decideProposal gives it. */
const ORDER_OF_PROPOSAL = `o.proposal_id = p.id OR (o.account_id = p.account_id AND o.idempotency_key = 'proposal-' || p.id::text)`;

interface OrderRow {
  id: string;
  account_id: string;
  account_name: string;
  broker: Broker;
  side: Side;
  ticker: string;
  quantity: number;
  proposal_id: string | null;
  created_at: Date;
}

interface ProposalRow {
  id: string;
  account_id: string;
  account_name: string;
  side: Side;
  ticker: string;
  quantity: number;
  decided_by: string | null;
  linked_order: { id: string; status: OrderStatus; status_reason: string | null; filled_quantity: number } | null;
}

/** What crash recovery reads and writes; every resolution and its audit row commit together. */
export class InterruptedWorkRepository implements InterruptedWorkStore {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  async unansweredOrders(cutoff: Date): Promise<UnansweredOrder[]> {
    // The orders_open partial index covers status = 'new'.
    const { rows } = await this.pool.query<OrderRow>(
      `SELECT o.id, o.account_id, a.name AS account_name, a.broker, o.side, o.ticker, o.quantity, o.proposal_id, o.created_at
       FROM orders o JOIN accounts a ON a.id = o.account_id
       WHERE o.status = 'new' AND o.created_at < $1 ORDER BY o.created_at, o.id`,
      [cutoff],
    );
    return rows.map((r) => ({
      id: r.id,
      accountId: r.account_id,
      accountName: r.account_name,
      broker: r.broker,
      side: r.side,
      ticker: r.ticker,
      quantity: r.quantity,
      proposalId: r.proposal_id,
      createdAt: r.created_at,
    }));
  }

  resolveOrder(orderId: string, to: "failed" | "unknown", reason: string, audit: AuditEntry): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query(`UPDATE orders SET status = $2, status_reason = $3, updated_at = now() WHERE id = $1 AND status = 'new'`, [orderId, to, reason]);
      if (!rowCount) return false;
      await recordAudit(client, audit);
      return true;
    });
  }

  async unsettledProposals(cutoff: Date): Promise<UnsettledProposal[]> {
    const { rows } = await this.pool.query<ProposalRow>(
      `SELECT p.id, p.account_id, a.name AS account_name, p.side, p.ticker, p.quantity, p.decided_by,
         (SELECT json_build_object('id', o.id, 'status', o.status, 'status_reason', o.status_reason, 'filled_quantity', o.filled_quantity)
          FROM orders o WHERE ${ORDER_OF_PROPOSAL} ORDER BY o.created_at LIMIT 1) AS linked_order
       FROM proposals p JOIN accounts a ON a.id = p.account_id
       WHERE p.status = 'approved' AND COALESCE(p.decided_at, p.updated_at) < $1 ORDER BY p.decided_at, p.id`,
      [cutoff],
    );
    return rows.map((r) => ({
      id: r.id,
      accountId: r.account_id,
      accountName: r.account_name,
      side: r.side,
      ticker: r.ticker,
      quantity: r.quantity,
      decidedBy: r.decided_by,
      order: r.linked_order ? { id: r.linked_order.id, status: r.linked_order.status, statusReason: r.linked_order.status_reason, filledQuantity: r.linked_order.filled_quantity } : null,
    }));
  }

  settleProposal(proposalId: string, to: "executed" | "failed", reason: string | null, audit: AuditEntry, options: { onlyWithoutOrder: boolean }): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      // The order path locks this row to record the proposal's order: once we hold it, a fresh
      // statement sees any order committed before, and none can be recorded after.
      const { rows } = await client.query<{ status: string }>(`SELECT status FROM proposals WHERE id = $1 FOR UPDATE`, [proposalId]);
      if (rows[0]?.status !== "approved") return false;
      if (options.onlyWithoutOrder) {
        const { rows: orders } = await client.query(`SELECT 1 FROM proposals p JOIN orders o ON ${ORDER_OF_PROPOSAL} WHERE p.id = $1 LIMIT 1`, [proposalId]);
        if (orders.length > 0) return false;
      }
      await client.query(`UPDATE proposals SET status = $2, decision_reason = $3, updated_at = now() WHERE id = $1`, [proposalId, to, reason]);
      await recordAudit(client, audit);
      return true;
    });
  }
}
