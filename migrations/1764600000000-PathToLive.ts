import type { MigrationInterface, QueryRunner } from "typeorm";

const TICKER = `'^[A-Z][A-Z0-9.-]{0,9}$'`;
const PHASE = `('shadow', 'live-prep', 'micro', 'small')`;

/**
 * The path to real money (issue 14): accounts an operator addresses, a live account opened from
 * the shadow record, four-eyes promotions, the live-prep checklist's evidence, and mirrored
 * decisions so live can be measured against shadow.
 */
export class PathToLive1764600000000 implements MigrationInterface {
  name = "PathToLive1764600000000";

  async up(q: QueryRunner): Promise<void> {
    // /use: each operator's default account; forgetting an account forgets the default, never the operator.
    await q.query(`ALTER TABLE operators ADD COLUMN default_account_id uuid REFERENCES accounts(id) ON DELETE SET NULL`);

    // A live account names the broker account it trades (masked: "1234****-01") and the shadow
    // account whose record opened it. The KIS keys in the environment reach one broker account,
    // so the desk holds at most one live account per broker.
    await q.query(`
      ALTER TABLE accounts
        ADD COLUMN broker_account text CHECK (broker_account IS NULL OR length(broker_account) BETWEEN 1 AND 32),
        ADD COLUMN opened_from uuid REFERENCES accounts(id) ON DELETE SET NULL`);
    await q.query(`CREATE UNIQUE INDEX accounts_one_live_per_broker ON accounts (broker) WHERE mode = 'live'`);

    // A promotion toward real money waits for a second admin (four eyes). One pending request per account.
    await q.query(`
      CREATE TABLE phase_promotions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        from_phase text NOT NULL CHECK (from_phase IN ${PHASE}),
        to_phase text NOT NULL CHECK (to_phase IN ${PHASE}),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'expired', 'cancelled', 'failed')),
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        decided_by text,
        decided_at timestamptz,
        -- the gate and checklist as the requester saw them
        evidence jsonb NOT NULL DEFAULT '{}',
        -- the live account the approval opened or moved
        live_account_id uuid REFERENCES accounts(id) ON DELETE SET NULL,
        reason text NOT NULL DEFAULT '',
        CONSTRAINT phase_promotions_four_eyes CHECK (decided_by IS NULL OR status <> 'approved' OR decided_by <> requested_by),
        CONSTRAINT phase_promotions_expiry CHECK (expires_at > requested_at)
      )`);
    await q.query(`CREATE UNIQUE INDEX phase_promotions_one_pending ON phase_promotions (account_id) WHERE status = 'pending'`);

    // The live-prep checklist's evidence that is not already on record elsewhere (halts and
    // resumes are kill_switch_events): broker checks (kis:check, /phase check) and alert deliveries.
    await q.query(`
      CREATE TABLE live_prep_evidence (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('broker_check', 'broker_reconciled', 'alert_delivery')),
        passed boolean NOT NULL,
        -- alert_delivery: the admin ("tg:123"); broker checks: the broker environment ("kis:real")
        subject text NOT NULL DEFAULT '' CHECK (length(subject) <= 64),
        summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 500),
        details jsonb NOT NULL DEFAULT '{}',
        actor text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX live_prep_evidence_recent ON live_prep_evidence (kind, created_at DESC)`);

    // One decision (a War Room session or an operator's --mirror order) sent to every eligible account.
    await q.query(`
      CREATE TABLE mirrored_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source text NOT NULL CHECK (source IN ('warroom', 'operator')),
        -- "warroom-<session id>" or the operator's command key: the same decision is recorded once
        idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 128),
        warroom_session_id uuid UNIQUE REFERENCES warroom_sessions(id) ON DELETE SET NULL,
        ticker text NOT NULL CHECK (ticker ~ ${TICKER}),
        side text NOT NULL CHECK (side IN ('BUY', 'SELL')),
        requested_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX mirrored_decisions_recent ON mirrored_decisions (created_at DESC)`);
    // Each account's side of it: what it was sized to, and what became of it (a proposal, an
    // order, or a refusal before either existed, with the reason).
    await q.query(`
      CREATE TABLE mirror_legs (
        mirror_id uuid NOT NULL REFERENCES mirrored_decisions(id) ON DELETE CASCADE,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        quantity integer CHECK (quantity > 0),
        proposal_id uuid UNIQUE REFERENCES proposals(id) ON DELETE SET NULL,
        order_id uuid UNIQUE REFERENCES orders(id) ON DELETE SET NULL,
        outcome text NOT NULL CHECK (outcome IN ('proposed', 'executed', 'refused', 'not_sized', 'failed')),
        reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (mirror_id, account_id)
      )`);

    // A real broker's commission arrives on its statement after the fill: until then the fill
    // carries the desk's estimate, and this says when the statement's figure replaced it.
    await q.query(`ALTER TABLE fills ADD COLUMN commission_confirmed_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE fills DROP COLUMN commission_confirmed_at`);
    await q.query(`DROP TABLE mirror_legs`);
    await q.query(`DROP TABLE mirrored_decisions`);
    await q.query(`DROP TABLE live_prep_evidence`);
    await q.query(`DROP TABLE phase_promotions`);
    await q.query(`DROP INDEX accounts_one_live_per_broker`);
    await q.query(`ALTER TABLE accounts DROP COLUMN opened_from, DROP COLUMN broker_account`);
    await q.query(`ALTER TABLE operators DROP COLUMN default_account_id`);
  }
}
