import type pg from "pg";
import type { DataSource } from "typeorm";
import type { AgentAccuracy, NewSession, UnscoredVote, WarRoomStore } from "../../../app/ports/warroom-store.js";
import { Dec } from "../../../domain/decimal.js";
import type { Vote } from "../../../domain/vocabulary.js";
import { pgPool } from "../pool.js";

/** One round trip for the session and its votes: a War Room decision is stored whole or not at all. */
const SAVE = `
  WITH s AS (
    INSERT INTO warroom_sessions (account_id, ticker, requested_by, decision, confidence, quantity, stop_price, vetoed, rationale, duration_ms, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id)
  , v AS (
    INSERT INTO agent_votes (session_id, agent, vote, confidence, weight, veto, rationale, details, latency_ms, created_at)
    SELECT s.id, x.agent, x.vote, x.confidence, x.weight, x.veto, x.rationale, x.details, x.latency_ms, $11
    FROM s, jsonb_to_recordset($12::jsonb) AS x(agent text, vote text, confidence numeric, weight numeric, veto boolean, rationale text, details jsonb, latency_ms int))
  SELECT id FROM s`;

/**
 * The close of each of the newest `$2` days of a ticker (days in the market's zone, `$3`), oldest
 * first: the day's newest row, whether that is an imported or backfilled daily bar or the last of
 * a live feed's minute rows. It skips backwards a day at a time through the primary key: the
 * newest row, then the newest row before that row's local midnight, and so on, one index probe
 * per day however many intraday rows each day holds.
 */
const DAILY_CLOSES = `
  WITH RECURSIVE closes AS (
      (SELECT time, close, 1 AS n FROM stock_prices WHERE ticker = $1 ORDER BY time DESC LIMIT 1)
    UNION ALL
      SELECT prev.time, prev.close, c.n + 1 FROM closes c
      CROSS JOIN LATERAL (
        SELECT s.time, s.close FROM stock_prices s
        WHERE s.ticker = $1 AND s.time < (date_trunc('day', c.time AT TIME ZONE $3) AT TIME ZONE $3)
        ORDER BY s.time DESC LIMIT 1) prev
      WHERE c.n < $2)
  SELECT to_char(time AT TIME ZONE $3, 'YYYY-MM-DD') AS day, close::text AS close FROM closes ORDER BY time`;

export class WarRoomRepository implements WarRoomStore {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource, private readonly timeZone = "America/New_York") {
    this.pool = pgPool(dataSource);
  }

  async save(s: NewSession): Promise<string> {
    const votes = s.votes.map((v) => ({
      agent: v.agent, vote: v.vote, confidence: v.confidence.toFixed(4), weight: v.weight.toFixed(4), veto: v.veto,
      rationale: v.rationale, details: v.details, latency_ms: Math.max(0, Math.round(v.latencyMs)),
    }));
    const { rows } = await this.pool.query<{ id: string }>({
      name: "warroom_save",
      text: SAVE,
      values: [s.accountId, s.ticker, s.requestedBy, s.decision, s.confidence.toFixed(4), s.quantity, s.stopPrice?.toFixed() ?? null, s.vetoed, s.rationale, Math.max(0, Math.round(s.durationMs)), s.at, JSON.stringify(votes)],
    });
    return rows[0]!.id;
  }

  async dailyCloses(ticker: string, days: number): Promise<{ day: string; close: Dec }[]> {
    if (days < 1) return [];
    const { rows } = await this.pool.query<{ day: string; close: string }>({ name: "warroom_daily_closes_by_day", text: DAILY_CLOSES, values: [ticker, days, this.timeZone] });
    return rows.map((r) => ({ day: r.day, close: new Dec(r.close) }));
  }

  async unscored(before: Date, limit: number): Promise<UnscoredVote[]> {
    const { rows } = await this.pool.query<{ id: string; ticker: string; vote: Vote; created_at: Date }>(
      `SELECT v.id, s.ticker, v.vote, v.created_at FROM agent_votes v JOIN warroom_sessions s ON s.id = v.session_id
       WHERE v.scored_at IS NULL AND v.created_at < $1 ORDER BY v.created_at LIMIT $2`,
      [before, limit],
    );
    return rows.map((r) => ({ voteId: r.id, ticker: r.ticker, vote: r.vote, sessionAt: r.created_at }));
  }

  async closeAt(ticker: string, at: Date): Promise<Dec | null> {
    const { rows } = await this.pool.query<{ close: string }>({
      name: "warroom_close_at",
      text: `SELECT close::text AS close FROM stock_prices WHERE ticker = $1 AND time <= $2 ORDER BY time DESC LIMIT 1`,
      values: [ticker, at],
    });
    return rows[0] ? new Dec(rows[0].close) : null;
  }

  async score(results: readonly { voteId: string; realizedMovePct: Dec | null; correct: boolean | null }[], at: Date): Promise<number> {
    if (results.length === 0) return 0;
    const { rowCount } = await this.pool.query(
      `UPDATE agent_votes v SET scored_at = $2, realized_move_pct = x.move, correct = x.correct
       FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, move numeric, correct boolean)
       WHERE v.id = x.id AND v.scored_at IS NULL`,
      [JSON.stringify(results.map((r) => ({ id: r.voteId, move: r.realizedMovePct?.toFixed(6) ?? null, correct: r.correct }))), at],
    );
    return rowCount ?? 0;
  }

  async accuracy(since?: Date): Promise<AgentAccuracy[]> {
    const { rows } = await this.pool.query<{ agent: string; scored: number; correct: number }>(
      `SELECT agent, count(*)::int AS scored, count(*) FILTER (WHERE correct)::int AS correct
       FROM agent_votes WHERE scored_at IS NOT NULL AND correct IS NOT NULL AND ($1::timestamptz IS NULL OR created_at >= $1)
       GROUP BY agent ORDER BY agent`,
      [since ?? null],
    );
    return rows;
  }
}
