import type pg from "pg";
import type { DataSource } from "typeorm";
import type { FeedStore } from "../../../app/ports/feed-store.js";
import type { FeedReport, FeedState } from "../../../domain/feed-health.js";
import { pgPool } from "../pool.js";

interface FeedRow {
  name: string;
  state: FeedState;
  reason: string;
  since: Date;
  followed: number;
  refused: Record<string, string>;
  last_tick_at: Date | null;
  last_tick_ticker: string | null;
  ticks: string;
  reported_at: Date;
}

/** market_feeds (migration MarketFeeds1764400000000). */
export class MarketFeedRepository implements FeedStore {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  async report(r: FeedReport): Promise<void> {
    await this.pool.query({
      name: "market_feed_report",
      text: `INSERT INTO market_feeds (name, state, reason, since, followed, refused, last_tick_at, last_tick_ticker, ticks, reported_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (name) DO UPDATE SET state = EXCLUDED.state, reason = EXCLUDED.reason, since = EXCLUDED.since,
               followed = EXCLUDED.followed, refused = EXCLUDED.refused, last_tick_at = EXCLUDED.last_tick_at,
               last_tick_ticker = EXCLUDED.last_tick_ticker, ticks = EXCLUDED.ticks, reported_at = EXCLUDED.reported_at`,
      values: [r.name, r.state, r.reason, r.since, r.followed, JSON.stringify(r.refused), r.lastTickAt, r.lastTickTicker, String(r.ticks), r.reportedAt],
    });
  }

  async retireAllBut(name: string): Promise<void> {
    await this.pool.query({ name: "market_feeds_retire", text: `DELETE FROM market_feeds WHERE name <> $1`, values: [name] });
  }

  async all(): Promise<FeedReport[]> {
    const { rows } = await this.pool.query<FeedRow>({ name: "market_feeds_all", text: `SELECT * FROM market_feeds ORDER BY name` });
    return rows.map((r) => ({
      name: r.name,
      state: r.state,
      reason: r.reason,
      since: r.since,
      followed: r.followed,
      refused: r.refused,
      lastTickAt: r.last_tick_at,
      lastTickTicker: r.last_tick_ticker,
      ticks: Number(r.ticks),
      reportedAt: r.reported_at,
    }));
  }
}
