import type pg from "pg";
import type { DataSource } from "typeorm";
import type { MirrorLeg, MirrorStore, NewMirroredDecision } from "../../../app/ports/mirror-store.js";
import { Dec } from "../../../domain/decimal.js";
import { cleanText, cutText } from "../../../domain/text.js";
import type { MirroredDecisionRecord, MirrorOutcome, MirrorSide } from "../../../domain/tracking.js";
import type { AccountMode, OrderStatus, ProposalStatus, Side } from "../../../domain/vocabulary.js";
import { pgPool } from "../pool.js";

/**
 * Every side of the decisions in the window that have a live side: the leg, its proposal, the
 * order it became (through the proposal, or the leg itself when it ran without one) and the
 * totals of that order's fills. Sides in account order (oldest account first).
 */
const DECISIONS = {
  name: "mirror_decisions",
  text: `
  SELECT m.id, m.created_at, m.ticker, m.side, l.account_id, a.name, a.mode, a.opened_from, l.quantity, l.outcome, l.reason,
         p.status AS proposal_status, p.decision_reason, o.status AS order_status, o.status_reason,
         COALESCE(f.quantity, 0) AS filled, COALESCE(f.value, 0)::text AS value, COALESCE(f.pnl, 0)::text AS pnl, COALESCE(f.commission, 0)::text AS commission
  FROM mirrored_decisions m
  JOIN mirror_legs l ON l.mirror_id = m.id
  JOIN accounts a ON a.id = l.account_id
  LEFT JOIN proposals p ON p.id = l.proposal_id
  LEFT JOIN orders o ON o.id = COALESCE(l.order_id, (SELECT o2.id FROM orders o2 WHERE o2.proposal_id = l.proposal_id))
  LEFT JOIN LATERAL (
    SELECT sum(x.quantity)::int AS quantity, sum(x.quantity * x.price) AS value, sum(x.realized_pnl) AS pnl, sum(x.commission) AS commission
    FROM fills x WHERE x.order_id = o.id) f ON true
  WHERE m.created_at >= $1 AND ($2::text IS NULL OR m.ticker = $2)
    AND EXISTS (SELECT 1 FROM mirror_legs ll JOIN accounts la ON la.id = ll.account_id
                WHERE ll.mirror_id = m.id AND la.mode = 'live' AND ($3::uuid IS NULL OR la.id = $3))
  ORDER BY m.created_at, m.id, a.created_at, a.id`,
};

interface SideRow {
  id: string;
  created_at: Date;
  ticker: string;
  side: Side;
  account_id: string;
  name: string;
  mode: AccountMode;
  opened_from: string | null;
  quantity: number | null;
  outcome: MirrorOutcome;
  reason: string;
  proposal_status: ProposalStatus | null;
  decision_reason: string | null;
  order_status: OrderStatus | null;
  status_reason: string | null;
  filled: number;
  value: string;
  pnl: string;
  commission: string;
}

interface LegRow {
  account_id: string;
  quantity: number | null;
  outcome: MirrorOutcome;
  reason: string;
  proposal_id: string | null;
  order_id: string | null;
}

const toSide = (r: SideRow): MirrorSide => ({
  accountId: r.account_id,
  accountName: r.name,
  mode: r.mode,
  openedFrom: r.opened_from,
  quantity: r.quantity,
  outcome: r.outcome,
  reason: r.reason,
  proposalStatus: r.proposal_status,
  proposalReason: r.decision_reason,
  orderStatus: r.order_status,
  orderReason: r.status_reason,
  fills: { quantity: r.filled, value: new Dec(r.value), realizedPnl: new Dec(r.pnl), commission: new Dec(r.commission) },
});

/** A leg's reason fits the column's 500 characters. */
const REASON_CHARS = 500;

export class MirrorRepository implements MirrorStore {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  async recordDecision(d: NewMirroredDecision): Promise<{ id: string; created: boolean }> {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO mirrored_decisions (idempotency_key, source, warroom_session_id, ticker, side, requested_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT DO NOTHING RETURNING id`,
      [d.idempotencyKey, d.source, d.warroomSessionId, d.ticker, d.side, d.requestedBy, d.at],
    );
    if (rows[0]) return { id: rows[0].id, created: true };
    // Recorded by an earlier run (same key), or, for a War Room session, under the session.
    const existing = await this.pool.query<{ id: string }>(`SELECT id FROM mirrored_decisions WHERE idempotency_key = $1 OR warroom_session_id = $2 LIMIT 1`, [d.idempotencyKey, d.warroomSessionId]);
    if (!existing.rows[0]) throw new Error(`the mirrored decision ${d.idempotencyKey} could be neither recorded nor found`);
    return { id: existing.rows[0].id, created: false };
  }

  async legs(mirrorId: string): Promise<MirrorLeg[]> {
    const { rows } = await this.pool.query<LegRow>(
      `SELECT l.account_id, l.quantity, l.outcome, l.reason, l.proposal_id, l.order_id FROM mirror_legs l JOIN accounts a ON a.id = l.account_id
       WHERE l.mirror_id = $1 ORDER BY a.created_at, a.id`,
      [mirrorId],
    );
    return rows.map((r) => ({ accountId: r.account_id, quantity: r.quantity, outcome: r.outcome, reason: r.reason, proposalId: r.proposal_id, orderId: r.order_id }));
  }

  async recordLeg(mirrorId: string, leg: MirrorLeg): Promise<boolean> {
    // Refusal and broker text is text from outside: control characters out, cut to the column.
    const reason = cutText(cleanText(leg.reason), REASON_CHARS);
    const { rowCount } = await this.pool.query(
      `INSERT INTO mirror_legs (mirror_id, account_id, quantity, proposal_id, order_id, outcome, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT DO NOTHING`,
      [mirrorId, leg.accountId, leg.quantity, leg.proposalId, leg.orderId, leg.outcome, reason],
    );
    return rowCount === 1;
  }

  async decisions(query: { since: Date; ticker?: string; liveAccountId?: string }): Promise<MirroredDecisionRecord[]> {
    const { rows } = await this.pool.query<SideRow>({ ...DECISIONS, values: [query.since, query.ticker ?? null, query.liveAccountId ?? null] });
    const decisions = new Map<string, MirroredDecisionRecord>();
    for (const r of rows) {
      const d = decisions.get(r.id) ?? { id: r.id, at: r.created_at, ticker: r.ticker, side: r.side, sides: [] };
      d.sides.push(toSide(r));
      decisions.set(r.id, d);
    }
    return [...decisions.values()];
  }
}
