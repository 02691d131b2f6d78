import pg from "pg";
import type { DataSource } from "typeorm";
import type { PriceStore, UpsertResult } from "../../../app/ports/price-store.js";
import { Dec } from "../../../domain/decimal.js";
import type { LatestPrice, PriceBar } from "../../../domain/prices.js";
import { pgPool } from "../pool.js";
import { chunks, inTransaction } from "../transaction.js";

const BATCH_SIZE = 2000;

const INPUT = `SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[], $8::bigint[], $9::text[])
  AS t(ticker, time, open, high, low, close, adj_close, volume, source)`;
/** Key order, as in the news ingest: concurrent upserts of overlapping bars lock in the same order. */
const INSERT = `INSERT INTO stock_prices (ticker, time, open, high, low, close, adj_close, volume, source) ${INPUT} ORDER BY ticker, time`;

/** `xmax = 0` holds only for a row this statement inserted, so one statement tells inserts from updates. */
const UPSERT_UPDATE = `${INSERT}
  ON CONFLICT (ticker, time) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low,
    close = EXCLUDED.close, adj_close = EXCLUDED.adj_close, volume = EXCLUDED.volume, source = EXCLUDED.source
  RETURNING (xmax = 0) AS inserted`;
const UPSERT_IGNORE = `${INSERT} ON CONFLICT (ticker, time) DO NOTHING RETURNING true AS inserted`;

/**
 * A feed's minute bar: merged into the stored bar of the same ticker, source and exchange minute
 * when one is older (its time moves on: the primary key is (ticker, time)), else inserted; a row
 * already at exactly that time (two sources, one instant) is merged by the conflict clause.
 */
const RECORD_TICKS = `WITH input AS (${INPUT}),
  placed AS (
    SELECT i.*, prev.time AS prev_time FROM input i
    LEFT JOIN LATERAL (
      SELECT s.time FROM stock_prices s
      WHERE s.ticker = i.ticker AND s.time >= date_trunc('minute', i.time) AND s.time < i.time AND s.source = i.source
        AND NOT EXISTS (SELECT 1 FROM stock_prices x WHERE x.ticker = i.ticker AND x.time = i.time)
      ORDER BY s.time DESC LIMIT 1) prev ON true),
  moved AS (
    UPDATE stock_prices s SET time = p.time, high = GREATEST(s.high, p.high), low = LEAST(s.low, p.low), close = p.close, volume = s.volume + p.volume
    FROM placed p WHERE p.prev_time IS NOT NULL AND s.ticker = p.ticker AND s.time = p.prev_time)
  INSERT INTO stock_prices (ticker, time, open, high, low, close, adj_close, volume, source)
  SELECT ticker, time, open, high, low, close, NULL, volume, source FROM placed WHERE prev_time IS NULL ORDER BY ticker, time
  ON CONFLICT (ticker, time) DO UPDATE SET high = GREATEST(stock_prices.high, EXCLUDED.high), low = LEAST(stock_prices.low, EXCLUDED.low),
    close = EXCLUDED.close, volume = stock_prices.volume + EXCLUDED.volume`;

const RECORD_TICKS_NAME = "prices_record_ticks";

const LATEST = {
  name: "prices_latest",
  text: "SELECT ticker, time, close FROM stock_prices WHERE ticker = $1 ORDER BY time DESC LIMIT 1",
};

/** One index probe per ticker (LATERAL ... LIMIT 1) instead of scanning each ticker's history. */
const LATEST_MANY = {
  name: "prices_latest_many",
  text: `SELECT p.ticker, p.time, p.close FROM unnest($1::text[]) AS t(ticker)
         CROSS JOIN LATERAL (SELECT s.ticker, s.time, s.close FROM stock_prices s
                             WHERE s.ticker = t.ticker ORDER BY s.time DESC LIMIT 1) p`,
};

interface LatestRow {
  ticker: string;
  time: Date;
  close: string;
}

/** The bars as INPUT's nine column arrays. */
function columns(bars: readonly PriceBar[]): unknown[] {
  return [
    bars.map((b) => b.ticker),
    bars.map((b) => b.time),
    bars.map((b) => b.open.toFixed()),
    bars.map((b) => b.high.toFixed()),
    bars.map((b) => b.low.toFixed()),
    bars.map((b) => b.close.toFixed()),
    bars.map((b) => (b.adjClose ? b.adjClose.toFixed() : null)),
    bars.map((b) => b.volume.toString()),
    bars.map((b) => b.source),
  ];
}

/**
 * A pool of one connection for the tick store, on the shared pool's server and credentials.
 * It never closes for being idle (the shared pool drops a connection after 10 s idle and opens
 * one again on the next burst). Every session on it commits without waiting for the disk, set
 * at connect so that a replacement connection has it too.
 */
function tickConnection(shared: pg.Pool): pg.Pool {
  const options = shared.options;
  const own = new pg.Pool({
    ...options,
    max: 1,
    idleTimeoutMillis: 0,
    application_name: `${options.application_name ?? "war-room"}:ticks`,
    options: `${options.options ?? ""} -c synchronous_commit=off`.trim(),
  });
  // A connection that dies while idle is dropped by the pool and replaced at the next batch,
  // whose failure (if the server is still away) is the pipeline's to retry: nothing to do here.
  own.on("error", () => undefined);
  return own;
}

const toLatest = (row: LatestRow): LatestPrice => ({ ticker: row.ticker, time: row.time, close: new Dec(row.close) });

/** Prices are safety data (stale-data trigger, price collar): no cache here, ever. */
export class PriceRepository implements PriceStore {
  private readonly pool: pg.Pool;
  private readonly ticks: pg.Pool | undefined;

  /**
   * `ownTickConnection`: recordTicks runs on a connection of its own, kept open (see
   * recordTicks); the process that streams a feed opens it with openTickConnection() and ends
   * it with close().
   */
  constructor(dataSource: DataSource, options: { ownTickConnection?: boolean } = {}) {
    this.pool = pgPool(dataSource);
    this.ticks = options.ownTickConnection ? tickConnection(this.pool) : undefined;
  }

  /**
   * Connects the tick store's own connection and prepares its statement there (an empty batch:
   * nothing is written), so the first trades of a stream pay neither the connection nor the plan.
   */
  async openTickConnection(): Promise<void> {
    await this.ticks?.query({ name: RECORD_TICKS_NAME, text: RECORD_TICKS, values: columns([]) });
  }

  /** Ends the tick store's own connection (the shared pool belongs to the DataSource). */
  async close(): Promise<void> {
    if (this.ticks && !this.ticks.ended) await this.ticks.end();
  }

  async latest(ticker: string): Promise<LatestPrice | undefined> {
    const { rows } = await this.pool.query<LatestRow>({ ...LATEST, values: [ticker] });
    return rows[0] ? toLatest(rows[0]) : undefined;
  }

  async latestMany(tickers: readonly string[]): Promise<Map<string, LatestPrice>> {
    const unique = [...new Set(tickers)];
    if (unique.length === 0) return new Map();
    const { rows } = await this.pool.query<LatestRow>({ ...LATEST_MANY, values: [unique] });
    return new Map(rows.map((r) => [r.ticker, toLatest(r)]));
  }

  async followedTickers(watchlist: readonly string[]): Promise<string[]> {
    const { rows } = await this.pool.query<{ ticker: string }>({
      name: "prices_followed_tickers",
      text: `SELECT ticker FROM positions WHERE quantity > 0
             UNION SELECT ticker FROM orders WHERE status IN ('new', 'submitted', 'partially_filled', 'unknown')
             ORDER BY ticker`,
    });
    return [...new Set([...rows.map((r) => r.ticker.toUpperCase()), ...watchlist.map((t) => t.toUpperCase())])];
  }

  async storedTimes(ticker: string, times: readonly Date[]): Promise<Date[]> {
    if (times.length === 0) return [];
    const { rows } = await this.pool.query<{ time: Date }>({
      name: "prices_stored_times",
      text: "SELECT time FROM stock_prices WHERE ticker = $1 AND time = ANY($2::timestamptz[])",
      values: [ticker, times],
    });
    return rows.map((r) => r.time);
  }

  async recordTicks(bars: readonly PriceBar[]): Promise<void> {
    if (bars.length === 0) return;
    // One bar per (ticker, minute, source) per call: the pipeline coalesces before it stores.
    // Committed without waiting for the disk (visible at once, durable a moment later): a crash
    // loses at most the last fraction of a second of ticks, which the feed supersedes, while a
    // tick never queues behind an fsync. Halts, orders and fills keep synchronous commits.
    const statement = { name: RECORD_TICKS_NAME, text: RECORD_TICKS, values: columns(bars) };
    if (this.ticks) {
      // On its own connection (one statement is one transaction, one round trip): a burst of
      // kill-switch checks grows the shared pool, and a batch that asked it for a connection
      // then waited for a new one (connection and authentication, 100-150 ms on a busy server)
      // and planned the statement on the new session's cold caches (20-80 ms more).
      await this.ticks.query(statement);
      return;
    }
    await inTransaction(this.pool, (client) => client.query(statement), { synchronous_commit: "off" });
  }

  /** All batches commit together or not at all. */
  async upsert(bars: readonly PriceBar[], onConflict: "update" | "ignore"): Promise<UpsertResult> {
    // The same (ticker, time) twice in one statement is an error for DO UPDATE; the last one wins.
    const byKey = new Map<string, PriceBar>();
    for (const bar of bars) byKey.set(`${bar.ticker}\u0000${bar.time.getTime()}`, bar);
    const unique = [...byKey.values()].sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : a.time.getTime() - b.time.getTime()));
    if (unique.length === 0) return { inserted: 0, existing: 0 };
    const sql = onConflict === "update" ? UPSERT_UPDATE : UPSERT_IGNORE;
    const inserted = await inTransaction(this.pool, async (client) => {
      let count = 0;
      for (const batch of chunks(unique, BATCH_SIZE)) {
        const { rows } = await client.query<{ inserted: boolean }>(sql, columns(batch));
        count += rows.filter((r) => r.inserted).length;
      }
      return count;
    });
    // Duplicates inside the input count as existing rows too: they were not inserted anew.
    return { inserted, existing: bars.length - inserted };
  }
}
