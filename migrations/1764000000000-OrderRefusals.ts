import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Every order the pre-trade checks refused, with its reason codes: the weekly review counts how
 * often each hard rule stopped an order, which is the evidence that the rules earn their keep.
 */
export class OrderRefusals1764000000000 implements MigrationInterface {
  name = "OrderRefusals1764000000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE order_refusals (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        source text NOT NULL CHECK (source IN ('operator', 'warroom', 'stop-loss', 'replay')),
        side text NOT NULL CHECK (side IN ('BUY', 'SELL')),
        ticker text NOT NULL,
        quantity integer NOT NULL,
        codes text[] NOT NULL CHECK (cardinality(codes) > 0),
        reasons jsonb NOT NULL,
        requested_by text NOT NULL,
        -- A proposal's check before it is posted, as opposed to an order that was to be placed.
        dry_run boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX order_refusals_recent ON order_refusals (created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE order_refusals`);
  }
}
