import type pg from "pg";
import type { DataSource } from "typeorm";
import type { SignalStore } from "../../../app/ports/signal-store.js";
import { Dec } from "../../../domain/decimal.js";
import type { TradingSignal, TradingSignalInput } from "../../../domain/signals.js";
import type { Signal } from "../../../domain/vocabulary.js";
import type { QueryCache } from "../../cache/query-cache.js";
import { pgPool } from "../pool.js";

const COLUMNS = "id, ticker, signal, confidence, source, rationale, price, alert_sent, warroom_session_id, created_at";

const RECENT_FOR_TICKER = {
  name: "signals_recent_for_ticker",
  text: `SELECT ${COLUMNS} FROM trading_signals WHERE ticker = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
};

/** Served by the partial index (ticker, confidence) WHERE alert_sent = false. */
const PENDING_ALERTS = {
  name: "signals_pending_alerts",
  text: `SELECT ${COLUMNS} FROM trading_signals WHERE alert_sent = false AND confidence >= $1
         ORDER BY confidence DESC, created_at, id LIMIT $2`,
};

export class SignalRepository implements SignalStore {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource, private readonly cache?: QueryCache) {
    this.pool = pgPool(dataSource);
  }

  async insert(signals: readonly TradingSignalInput[]): Promise<TradingSignal[]> {
    if (signals.length === 0) return [];
    const { rows } = await this.pool.query<SignalRow>(
      `INSERT INTO trading_signals (ticker, signal, confidence, source, rationale, price, warroom_session_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::text[], $5::text[], $6::numeric[], $7::uuid[])
       RETURNING ${COLUMNS}`,
      [
        signals.map((s) => s.ticker),
        signals.map((s) => s.signal),
        signals.map((s) => s.confidence.toFixed()),
        signals.map((s) => s.source),
        signals.map((s) => s.rationale ?? ""),
        signals.map((s) => (s.price ? s.price.toFixed() : null)),
        signals.map((s) => s.warroomSessionId ?? null),
      ],
    );
    this.cache?.invalidate(...new Set(signals.map((s) => `signals:${s.ticker}`)));
    return rows.map(toSignal);
  }

  async recentForTicker(ticker: string, limit: number): Promise<TradingSignal[]> {
    const load = async () => (await this.pool.query<SignalRow>({ ...RECENT_FOR_TICKER, values: [ticker, limit] })).rows.map(toSignal);
    return this.cache ? this.cache.get(`signals:recent:${ticker}:${limit}`, ["signals", `signals:${ticker}`], load) : load();
  }

  /** Not cached: it decides what gets pushed, and a stale answer would push twice. */
  async pendingAlerts(minConfidence: string, limit: number): Promise<TradingSignal[]> {
    const { rows } = await this.pool.query<SignalRow>({ ...PENDING_ALERTS, values: [minConfidence, limit] });
    return rows.map(toSignal);
  }

  async markAlertSent(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.pool.query("UPDATE trading_signals SET alert_sent = true WHERE id = ANY($1::bigint[]) AND alert_sent = false", [ids]);
    this.cache?.invalidate("signals");
    return result.rowCount ?? 0;
  }
}

interface SignalRow {
  id: string;
  ticker: string;
  signal: Signal;
  confidence: string;
  source: string;
  rationale: string;
  price: string | null;
  alert_sent: boolean;
  warroom_session_id: string | null;
  created_at: Date;
}

function toSignal(row: SignalRow): TradingSignal {
  return {
    id: row.id,
    ticker: row.ticker,
    signal: row.signal,
    confidence: new Dec(row.confidence),
    source: row.source,
    rationale: row.rationale,
    price: row.price === null ? null : new Dec(row.price),
    alertSent: row.alert_sent,
    warroomSessionId: row.warroom_session_id,
    createdAt: row.created_at,
  };
}
