import type pg from "pg";
import type { DataSource } from "typeorm";
import type { PhaseChange } from "../../../app/ports/account-store.js";
import type { LiveAccountOpening, LiveAccountResult, LivePrepStore, NewEvidence, NewPromotion, Promotion, PromotionSettlement, PromotionStatus } from "../../../app/ports/live-prep-store.js";
import { Dec } from "../../../domain/decimal.js";
import type { EvidenceKind, KillSwitchTest, LivePrepEvidence } from "../../../domain/live-prep-checklist.js";
import type { KillSwitchState, Phase } from "../../../domain/vocabulary.js";
import { pgPool } from "../pool.js";
import { inTransaction } from "../transaction.js";
import { EQUITY_OF_A } from "./account-repository.js";

interface PromotionRow {
  id: string;
  account_id: string;
  account_name: string;
  from_phase: Phase;
  to_phase: Phase;
  status: PromotionStatus;
  requested_by: string;
  requested_at: Date;
  expires_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  evidence: Record<string, unknown>;
  live_account_id: string | null;
  reason: string;
}

const PROMOTION = `SELECT p.*, a.name AS account_name FROM phase_promotions p JOIN accounts a ON a.id = p.account_id`;

const toPromotion = (r: PromotionRow): Promotion => ({
  id: r.id,
  accountId: r.account_id,
  accountName: r.account_name,
  from: r.from_phase,
  to: r.to_phase,
  status: r.status,
  requestedBy: r.requested_by,
  requestedAt: r.requested_at,
  expiresAt: r.expires_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  evidence: r.evidence,
  liveAccountId: r.live_account_id,
  reason: r.reason,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Client = pg.Pool | pg.PoolClient;

async function audit(client: Client, actor: string, action: string, accountId: string | null, subject: string, details: Record<string, unknown>): Promise<void> {
  await client.query("INSERT INTO audit_log (actor, action, account_id, subject, details) VALUES ($1, $2, $3, $4, $5)", [actor, action, accountId, subject, details]);
}

/** The live-prep checklist's evidence, four-eyes promotions, and the opening of the live account. */
export class LivePrepRepository implements LivePrepStore {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  async recordEvidence(e: NewEvidence): Promise<void> {
    await this.pool.query(
      `INSERT INTO live_prep_evidence (kind, passed, subject, summary, details, actor, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [e.kind, e.passed, e.subject.slice(0, 64), e.summary.slice(0, 500), e.details, e.actor, e.at],
    );
  }

  async evidenceSince(since: Date): Promise<LivePrepEvidence[]> {
    const { rows } = await this.pool.query<{ kind: EvidenceKind; passed: boolean; subject: string; summary: string; actor: string; created_at: Date; cash: string | null }>(
      `SELECT kind, passed, subject, summary, actor, created_at, details->>'cash' AS cash
       FROM live_prep_evidence WHERE created_at >= $1 ORDER BY created_at, id`,
      [since],
    );
    return rows.map((r) => ({ kind: r.kind, passed: r.passed, subject: r.subject, summary: r.summary, actor: r.actor, at: r.created_at, cash: r.cash === null ? null : new Dec(r.cash) }));
  }

  async killSwitchTestsSince(since: Date): Promise<KillSwitchTest[]> {
    const { rows } = await this.pool.query<{ event: "halted" | "resumed"; name: string; actor: string; created_at: Date }>(
      `SELECT e.event, a.name, e.actor, e.created_at FROM kill_switch_events e JOIN accounts a ON a.id = e.account_id
       WHERE e.event IN ('halted', 'resumed') AND e.created_at >= $1 ORDER BY e.created_at, e.id`,
      [since],
    );
    return rows.map((r) => ({ event: r.event, accountName: r.name, actor: r.actor, at: r.created_at }));
  }

  async liveAccount(broker: "kis"): Promise<{ id: string; name: string; phase: Phase } | undefined> {
    const { rows } = await this.pool.query<{ id: string; name: string; phase: Phase }>(`SELECT id, name, phase FROM accounts WHERE mode = 'live' AND broker = $1`, [broker]);
    return rows[0];
  }

  requestPromotion(request: NewPromotion): Promise<{ created: Promotion } | { pending: Promotion }> {
    return inTransaction(this.pool, async (client) => {
      // The account row lock serialises two requests for one account (the unique index would refuse the second anyway).
      await client.query("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", [request.accountId]);
      await this.expireStale(client, request.accountId, request.requestedAt);
      const { rows: open } = await client.query<PromotionRow>(`${PROMOTION} WHERE p.account_id = $1 AND p.status = 'pending'`, [request.accountId]);
      if (open[0]) return { pending: toPromotion(open[0]) };
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO phase_promotions (account_id, from_phase, to_phase, requested_by, requested_at, expires_at, evidence) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [request.accountId, request.from, request.to, request.requestedBy, request.requestedAt, request.expiresAt, request.evidence],
      );
      const id = rows[0]!.id;
      await audit(client, request.requestedBy, "promotion.requested", request.accountId, `${request.from} -> ${request.to}`, { promotion: id, expiresAt: request.expiresAt.toISOString() });
      return { created: (await this.read(client, id))! };
    });
  }

  promotion(id: string): Promise<Promotion | undefined> {
    return UUID.test(id) ? this.read(this.pool, id) : Promise.resolve(undefined);
  }

  settlePromotion(id: string, s: PromotionSettlement): Promise<Promotion | undefined> {
    if (!UUID.test(id)) return Promise.resolve(undefined);
    return inTransaction(this.pool, async (client) => {
      // The first decision wins: only a pending request changes.
      const { rows } = await client.query<{ account_id: string; from_phase: Phase; to_phase: Phase }>(
        `UPDATE phase_promotions SET status = $2, decided_by = $3, decided_at = $4, reason = $5 WHERE id = $1 AND status = 'pending' RETURNING account_id, from_phase, to_phase`,
        [id, s.status, s.by, s.at, s.reason.slice(0, 500)],
      );
      const row = rows[0];
      if (!row) return undefined;
      await audit(client, s.by ?? "system", `promotion.${s.status}`, row.account_id, `${row.from_phase} -> ${row.to_phase}`, { promotion: id, reason: s.reason });
      return this.read(client, id);
    });
  }

  openOrLinkLiveAccount(o: LiveAccountOpening): Promise<LiveAccountResult> {
    return inTransaction(
      this.pool,
      async (client): Promise<LiveAccountResult> => {
        if (o.promotionId && !(await this.approve(client, o.promotionId, o.decidedBy, o.at))) return { outcome: "not_pending" };
        // Demoted meanwhile (an admin stepped it back to shadow): its record no longer opens anything.
        const { rows: from } = await client.query<{ name: string; phase: Phase }>("SELECT name, phase FROM accounts WHERE id = $1 FOR UPDATE", [o.fromAccountId]);
        if (from[0]?.phase !== "live-prep") throw new Refusal(from[0] ? `${from[0].name} is no longer in live-prep (now ${from[0].phase})` : "the account no longer exists");
        const { rows: live } = await client.query<{ id: string; name: string; phase: Phase }>(`SELECT id, name, phase FROM accounts WHERE mode = 'live' AND broker = $1 FOR UPDATE`, [o.broker]);
        const existing = live[0];
        const details = { ...o.evidence, promotion: o.promotionId, requestedBy: o.requestedBy, approvedBy: o.decidedBy };
        let result: LiveAccountResult;
        if (existing) {
          // A refusal must leave the request pending: the transaction is rolled back by throwing.
          if (existing.phase !== "live-prep") throw new Refusal(`the live account ${existing.name} is already in ${existing.phase}: promote that account instead`);
          const { rows } = await client.query<{ phase_start_equity: string; state: KillSwitchState }>(
            `UPDATE accounts a SET phase = 'micro', phase_started_at = $2, phase_start_equity = round(${EQUITY_OF_A}, 4), updated_at = now()
             WHERE a.id = $1 RETURNING a.phase_start_equity::text AS phase_start_equity,
               COALESCE((SELECT state FROM kill_switch_states k WHERE k.account_id = a.id), 'HALTED') AS state`,
            [existing.id, o.at],
          );
          await audit(client, o.decidedBy, "account.promoted", existing.id, "live-prep -> micro", { ...details, from: "live-prep", to: "micro", linkedFrom: o.fromAccountId, phaseStartEquity: rows[0]!.phase_start_equity });
          result = { outcome: "linked", accountId: existing.id, name: existing.name, phaseStartEquity: new Dec(rows[0]!.phase_start_equity), state: rows[0]!.state };
        } else {
          const { rows: taken } = await client.query("SELECT 1 FROM accounts WHERE lower(name) = lower($1)", [o.name]);
          if (taken.length > 0) throw new Refusal(`an account named ${o.name} already exists: set LIVE_ACCOUNT_NAME to another name`);
          if (!o.cash) throw new Refusal("the broker's USD cash is unknown: reconcile it with /phase check");
          // Whole cents, as the books keep cash; never more than the broker reported.
          const cash = o.cash.toDecimalPlaces(2, Dec.ROUND_DOWN).toFixed(2);
          const { rows } = await client.query<{ id: string }>(
            `INSERT INTO accounts (name, mode, broker, phase, starting_capital, cash, phase_start_equity, phase_started_at, broker_account, opened_from)
             VALUES ($1, 'live', $2, 'micro', $3, $3, $3, $4, $5, $6) RETURNING id`,
            [o.name, o.broker, cash, o.at, o.brokerAccount, o.fromAccountId],
          );
          const id = rows[0]!.id;
          // Real money is never armed by default: an admin resumes it deliberately.
          await client.query("INSERT INTO kill_switch_states (account_id, state, reason, actor, changed_at) VALUES ($1, 'HALTED', $2, $3, $4)", [id, o.haltReason, o.decidedBy, o.at]);
          await audit(client, o.decidedBy, "account.created", id, o.name, { ...details, mode: "live", broker: o.broker, phase: "micro", startingCapital: cash, brokerAccount: o.brokerAccount, openedFrom: o.fromAccountId });
          await audit(client, o.decidedBy, "account.live_opened", o.fromAccountId, "live-prep -> micro", { ...details, liveAccount: id, name: o.name });
          result = { outcome: "opened", accountId: id, name: o.name, cash: new Dec(cash), state: "HALTED" };
        }
        if (o.promotionId) await client.query("UPDATE phase_promotions SET live_account_id = $2 WHERE id = $1", [o.promotionId, result.accountId]);
        return result;
      },
    ).catch((error: unknown): LiveAccountResult => {
      if (error instanceof Refusal) return { outcome: "refused", reason: error.message };
      // Two promotions at once without four eyes: the one-live-account-per-broker index lets one through.
      if ((error as { code?: string }).code === "23505") return { outcome: "refused", reason: "a live account was opened meanwhile: look again with /accounts" };
      throw error;
    });
  }

  approvePhaseChange(promotionId: string, decidedBy: string, change: PhaseChange): Promise<{ outcome: "changed"; phaseStartEquity: Dec } | { outcome: "not_pending" } | { outcome: "phase_changed" }> {
    return inTransaction(this.pool, async (client) => {
      if (!(await this.approve(client, promotionId, decidedBy, change.at))) return { outcome: "not_pending" as const };
      const { rows } = await client.query<{ phase_start_equity: string }>(
        `UPDATE accounts a SET phase = $3, phase_started_at = $4, phase_start_equity = round(${EQUITY_OF_A}, 4), updated_at = now()
         WHERE a.id = $1 AND a.phase = $2 RETURNING a.phase_start_equity::text AS phase_start_equity`,
        [change.accountId, change.from, change.to, change.at],
      );
      const equity = rows[0]?.phase_start_equity;
      if (equity === undefined) throw new Refusal("phase_changed");
      await audit(client, change.actor, change.action, change.accountId, `${change.from} -> ${change.to}`, { ...change.details, from: change.from, to: change.to, phaseStartEquity: equity, promotion: promotionId });
      return { outcome: "changed" as const, phaseStartEquity: new Dec(equity) };
    }).catch((error: unknown) => {
      if (error instanceof Refusal) return { outcome: "phase_changed" as const };
      throw error;
    });
  }

  /** pending -> approved when still pending and not expired; false otherwise (nothing changed). */
  private async approve(client: pg.PoolClient, id: string, by: string, at: Date): Promise<boolean> {
    const { rows } = await client.query<{ account_id: string; from_phase: Phase; to_phase: Phase; requested_by: string }>(
      `UPDATE phase_promotions SET status = 'approved', decided_by = $2, decided_at = $3 WHERE id = $1 AND status = 'pending' AND expires_at > $3
       RETURNING account_id, from_phase, to_phase, requested_by`,
      [id, by, at],
    );
    const row = rows[0];
    if (!row) return false;
    await audit(client, by, "promotion.approved", row.account_id, `${row.from_phase} -> ${row.to_phase}`, { promotion: id, requestedBy: row.requested_by });
    return true;
  }

  private async expireStale(client: pg.PoolClient, accountId: string, now: Date): Promise<void> {
    const { rows } = await client.query<{ id: string; from_phase: Phase; to_phase: Phase }>(
      `UPDATE phase_promotions SET status = 'expired', decided_at = $2, reason = 'no second admin decided in time'
       WHERE account_id = $1 AND status = 'pending' AND expires_at <= $2 RETURNING id, from_phase, to_phase`,
      [accountId, now],
    );
    for (const r of rows) await audit(client, "system", "promotion.expired", accountId, `${r.from_phase} -> ${r.to_phase}`, { promotion: r.id });
  }

  private async read(client: Client, id: string): Promise<Promotion | undefined> {
    const { rows } = await client.query<PromotionRow>(`${PROMOTION} WHERE p.id = $1`, [id]);
    return rows[0] ? toPromotion(rows[0]) : undefined;
  }
}

/** Rolls the transaction back (the request stays pending) and becomes a refusal with this reason. */
class Refusal extends Error {}
