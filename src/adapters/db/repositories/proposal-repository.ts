import type pg from "pg";
import type { DataSource } from "typeorm";
import type { NewProposal, Proposal, ProposalStore } from "../../../app/ports/proposal-store.js";
import { Dec } from "../../../domain/decimal.js";
import type { AccountMode, OrderSource, OrderType, ProposalStatus, Side } from "../../../domain/vocabulary.js";
import { pgPool } from "../pool.js";

// The account's name and mode come along (subqueries, so RETURNING carries them too): every
// message about a proposal names the account it would trade.
const COLUMNS = `id, account_id, source, side, ticker, quantity, order_type, limit_price::text, stop_price::text, rationale, status,
  requested_by, decided_by, decided_at, decision_reason, expires_at, created_at,
  (SELECT name FROM accounts WHERE accounts.id = proposals.account_id) AS account_name,
  (SELECT mode FROM accounts WHERE accounts.id = proposals.account_id) AS account_mode`;

interface Row {
  id: string;
  account_id: string;
  source: OrderSource;
  side: Side;
  ticker: string;
  quantity: number;
  order_type: OrderType;
  limit_price: string | null;
  stop_price: string | null;
  rationale: string;
  status: ProposalStatus;
  requested_by: string;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  expires_at: Date;
  created_at: Date;
  account_name: string;
  account_mode: AccountMode;
}

const toProposal = (r: Row): Proposal => ({
  id: r.id,
  accountId: r.account_id,
  accountName: r.account_name,
  accountMode: r.account_mode,
  source: r.source,
  side: r.side,
  ticker: r.ticker,
  quantity: r.quantity,
  orderType: r.order_type,
  limitPrice: r.limit_price === null ? null : new Dec(r.limit_price),
  stopPrice: r.stop_price === null ? null : new Dec(r.stop_price),
  rationale: r.rationale,
  status: r.status,
  requestedBy: r.requested_by,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionReason: r.decision_reason,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
});

export class ProposalRepository implements ProposalStore {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  async create(p: NewProposal): Promise<{ proposal: Proposal; created: boolean }> {
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO proposals (account_id, idempotency_key, source, side, ticker, quantity, order_type, limit_price, stop_price, rationale, requested_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (account_id, idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
      [p.accountId, p.idempotencyKey, p.source, p.side, p.ticker, p.quantity, p.orderType, p.limitPrice?.toFixed() ?? null, p.stopPrice?.toFixed() ?? null, p.rationale, p.requestedBy, p.expiresAt],
    );
    if (rows[0]) return { proposal: toProposal(rows[0]), created: true };
    const existing = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM proposals WHERE account_id = $1 AND idempotency_key = $2`, [p.accountId, p.idempotencyKey]);
    return { proposal: toProposal(existing.rows[0]!), created: false };
  }

  async get(id: string): Promise<Proposal | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM proposals WHERE id = $1`, [id]);
    return rows[0] ? toProposal(rows[0]) : undefined;
  }

  async pending(accountId?: string): Promise<Proposal[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM proposals WHERE status = 'pending' AND ($1::uuid IS NULL OR account_id = $1) ORDER BY created_at, id`,
      [accountId ?? null],
    );
    return rows.map(toProposal);
  }

  async decide(id: string, to: "approved" | "denied", actor: string, now: Date, fourEyes: boolean): Promise<Proposal | undefined> {
    const { rows } = await this.pool.query<Row>(
      `UPDATE proposals SET status = $2, decided_by = $3, decided_at = $4, updated_at = now()
       WHERE id = $1 AND status = 'pending' AND expires_at > $4 AND (NOT $5 OR requested_by <> $3)
       RETURNING ${COLUMNS}`,
      [id, to, actor, now, fourEyes],
    );
    return rows[0] ? toProposal(rows[0]) : undefined;
  }

  async settle(id: string, to: "executed" | "failed" | "rejected_by_risk", reason: string | null): Promise<void> {
    await this.pool.query(`UPDATE proposals SET status = $2, decision_reason = $3, updated_at = now() WHERE id = $1 AND status = 'approved'`, [id, to, reason]);
  }

  async expire(now: Date): Promise<Proposal[]> {
    const { rows } = await this.pool.query<Row>(
      `UPDATE proposals SET status = 'expired', decided_by = 'system', decided_at = $1, decision_reason = 'no decision in time', updated_at = now()
       WHERE status = 'pending' AND expires_at <= $1 RETURNING ${COLUMNS}`,
      [now],
    );
    return rows.map(toProposal);
  }
}
