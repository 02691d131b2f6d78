import type pg from "pg";
import type { DataSource } from "typeorm";
import type { DailyBarStore } from "../../../app/backtest/load-bars.js";
import type { BacktestBar } from "../../../domain/backtest/bar.js";
import { Dec } from "../../../domain/decimal.js";
import type { Signal } from "../../../domain/vocabulary.js";
import type { WarRoomNews, WarRoomSignal } from "../../../domain/warroom/types.js";
import { pgPool } from "../pool.js";

/**
 * A ticker's daily bars from the price table, for the backtest: every stored row (imported
 * daily bars, a feed's minute bars, polled quotes) grouped by its trading day in the exchange's
 * time zone, so the day's open is its first row's open, its close the last row's close, and its
 * range the widest any row saw. One indexed range scan of the primary key per ticker. With the
 * bars come the ticker's headlines and signals, each known from when it was published or made,
 * so the War Room's sentiment and signals agents vote as they did then.
 */
const DAILY_BARS = `
  SELECT to_char(time AT TIME ZONE $3, 'YYYY-MM-DD') AS day,
         (array_agg(open ORDER BY time))[1]::text AS open,
         max(high)::text AS high,
         min(low)::text AS low,
         (array_agg(close ORDER BY time DESC))[1]::text AS close
  FROM stock_prices
  WHERE ticker = $1 AND time < (($2::date + 1)::timestamp AT TIME ZONE $3)
  GROUP BY 1
  ORDER BY 1`;

/** Through the day `to` in the exchange's zone. The War Room's own signals are left to the agent, which ignores them. */
const NEWS = `
  SELECT a.title, a.summary, t.published_at, a.sentiment::text AS sentiment
  FROM news_article_tickers t JOIN news_articles a ON a.id = t.article_id
  WHERE t.ticker = $1 AND t.published_at < (($2::date + 1)::timestamp AT TIME ZONE $3)
  ORDER BY t.published_at`;

const SIGNALS = `
  SELECT signal, confidence::text AS confidence, source, created_at
  FROM trading_signals
  WHERE ticker = $1 AND created_at < (($2::date + 1)::timestamp AT TIME ZONE $3)
  ORDER BY created_at`;

export class DailyBarRepository implements DailyBarStore {
  private readonly pool: pg.Pool;

  constructor(
    dataSource: DataSource,
    private readonly timeZone: string,
  ) {
    this.pool = pgPool(dataSource);
  }

  readonly source = "the price table (stock_prices)";

  async dailyBars(ticker: string, to: string): Promise<BacktestBar[]> {
    const { rows } = await this.pool.query<{ day: string; open: string; high: string; low: string; close: string }>({ name: "backtest_daily_bars", text: DAILY_BARS, values: [ticker, to, this.timeZone] });
    return rows.map((r) => ({ date: r.day, open: new Dec(r.open), high: new Dec(r.high), low: new Dec(r.low), close: new Dec(r.close) }));
  }

  /** Headlines tagged with the ticker, known from their publication. */
  async news(ticker: string, to: string): Promise<WarRoomNews[]> {
    const { rows } = await this.pool.query<{ title: string; summary: string | null; published_at: Date; sentiment: string | null }>({ name: "backtest_news", text: NEWS, values: [ticker, to, this.timeZone] });
    return rows.map((r) => ({ title: r.title, summary: r.summary, publishedAt: r.published_at, sentiment: r.sentiment }));
  }

  /** Signals about the ticker, known from their creation. */
  async signals(ticker: string, to: string): Promise<WarRoomSignal[]> {
    const { rows } = await this.pool.query<{ signal: Signal; confidence: string; source: string; created_at: Date }>({ name: "backtest_signals", text: SIGNALS, values: [ticker, to, this.timeZone] });
    return rows.map((r) => ({ signal: r.signal, confidence: new Dec(r.confidence), source: r.source, createdAt: r.created_at }));
  }
}
