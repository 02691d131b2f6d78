import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * market_feeds: each market-data feed's state as the process streaming it last reported it
 * (live, connecting or down, why, the newest trade it stored). Kept in PostgreSQL so that
 * /status, /readyz and the watchdog of every process see the same picture, and a feed whose
 * process died is noticed by its report going stale.
 */
export class MarketFeeds1764400000000 implements MigrationInterface {
  name = "MarketFeeds1764400000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE market_feeds (
        name text PRIMARY KEY,
        state text NOT NULL CHECK (state IN ('connecting', 'live', 'down')),
        reason text NOT NULL DEFAULT '',
        since timestamptz NOT NULL,
        followed integer NOT NULL DEFAULT 0,
        refused jsonb NOT NULL DEFAULT '{}'::jsonb,
        last_tick_at timestamptz,
        last_tick_ticker text,
        ticks bigint NOT NULL DEFAULT 0,
        reported_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE market_feeds`);
  }
}
