import type pg from "pg";
import type { DataSource } from "typeorm";
import type { NewsStore } from "../../../app/ports/news-store.js";
import { contentHash, type NewsArticle, type NewsArticleInput } from "../../../domain/news.js";
import { TICKER_PATTERN } from "../../../domain/vocabulary.js";
import type { QueryCache } from "../../cache/query-cache.js";
import { pgPool } from "../pool.js";
import { chunks, inTransaction } from "../transaction.js";

/** Rows per INSERT statement: large enough to amortise round trips, small enough to keep locks short. */
const BATCH_SIZE = 1000;
/**
 * A large call is split into this many contiguous content-hash ranges, written concurrently on
 * separate connections (one PostgreSQL backend per core). The ranges are disjoint, so the
 * writers never wait for each other.
 */
const WRITERS = 2;

const COLUMNS = "a.id, a.content_hash, a.title, a.url, a.source, a.summary, a.tickers, a.published_at, a.fetched_at, a.processed_at, a.sentiment";

/**
 * One statement per batch: unnest the column arrays, insert what is new (ON CONFLICT on the
 * content hash does nothing), and tag the new rows' tickers from RETURNING. Parameters are
 * arrays, so a batch needs 7 bind parameters whatever its size.
 *
 * Rows go in content-hash order (the whole call is sorted, and so is each statement): two
 * writers with overlapping batches then take the unique-index locks in the same order and
 * wait for each other instead of deadlocking.
 */
const INSERT_BATCH = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
    AS t(content_hash, title, url, source, summary, tickers, published_at)
), inserted AS (
  INSERT INTO news_articles (content_hash, title, url, source, summary, tickers, published_at)
  SELECT content_hash, title, url, source, summary, string_to_array(tickers, ','), published_at FROM input
  ORDER BY content_hash
  ON CONFLICT (content_hash) DO NOTHING
  RETURNING id, tickers, published_at
), tagged AS (
  INSERT INTO news_article_tickers (article_id, ticker, published_at)
  SELECT id, unnest(tickers), published_at FROM inserted
)
SELECT count(*)::int AS inserted FROM inserted`;

const RECENT_FOR_TICKER = {
  name: "news_recent_for_ticker",
  text: `SELECT ${COLUMNS} FROM news_article_tickers t JOIN news_articles a ON a.id = t.article_id
         WHERE t.ticker = $1 ORDER BY t.published_at DESC, t.article_id DESC LIMIT $2`,
};

const PROCESSED_BETWEEN = {
  name: "news_processed_between",
  text: `SELECT ${COLUMNS} FROM news_articles a
         WHERE a.processed_at IS NOT NULL AND a.processed_at >= $1 AND a.processed_at < $2
         ORDER BY a.processed_at DESC, a.id DESC LIMIT $3`,
};

export class InvalidNewsError extends Error {
  constructor(index: number, problem: string) {
    super(`news article #${index + 1}: ${problem}`);
    this.name = "InvalidNewsError";
  }
}

export class NewsRepository implements NewsStore {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource, private readonly cache?: QueryCache) {
    this.pool = pgPool(dataSource);
  }

  async insertBatch(articles: readonly NewsArticleInput[]): Promise<number> {
    const rows = prepare(articles); // validates everything before anything is written
    if (rows.length === 0) return 0;
    // Each range commits on its own: should one fail, re-running the call inserts only what is
    // missing (the content hash de-duplicates), so news never needs all-or-nothing.
    const ranges = rows.length >= WRITERS * BATCH_SIZE ? [...chunks(rows, Math.ceil(rows.length / WRITERS))] : [rows];
    const counts = await Promise.all(ranges.map((range) => this.insertRange(range)));
    const inserted = counts.reduce((a, b) => a + b, 0);
    if (inserted > 0 && this.cache) {
      this.cache.invalidate(...new Set(rows.flatMap((r) => r.tickers.map((t) => `news:${t}`))));
    }
    return inserted;
  }

  private insertRange(rows: PreparedArticle[]): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      let total = 0;
      for (const batch of chunks(rows, BATCH_SIZE)) {
        const result = await client.query<{ inserted: number }>(INSERT_BATCH, [
          batch.map((r) => r.hash),
          batch.map((r) => r.title),
          batch.map((r) => r.url),
          batch.map((r) => r.source),
          batch.map((r) => r.summary),
          batch.map((r) => r.tickers.join(",")),
          batch.map((r) => r.publishedAt),
        ]);
        total += result.rows[0]?.inserted ?? 0;
      }
      return total;
    });
  }

  async recentForTicker(ticker: string, limit: number): Promise<NewsArticle[]> {
    const load = async () => (await this.pool.query({ ...RECENT_FOR_TICKER, values: [ticker, limit] })).rows.map(toArticle);
    return this.cache ? this.cache.get(`news:recent:${ticker}:${limit}`, ["news", `news:${ticker}`], load) : load();
  }

  async processedBetween(from: Date, to: Date, limit: number): Promise<NewsArticle[]> {
    const load = async () => (await this.pool.query({ ...PROCESSED_BETWEEN, values: [from, to, limit] })).rows.map(toArticle);
    const key = `news:processed:${from.toISOString()}:${to.toISOString()}:${limit}`;
    return this.cache ? this.cache.get(key, ["news"], load) : load();
  }

  async markProcessed(items: readonly { id: string; sentiment: string | null }[], at: Date): Promise<number> {
    if (items.length === 0) return 0;
    const result = await this.pool.query(
      `UPDATE news_articles a SET processed_at = $1, sentiment = v.sentiment
       FROM unnest($2::bigint[], $3::numeric[]) AS v(id, sentiment) WHERE a.id = v.id`,
      [at, items.map((i) => i.id), items.map((i) => i.sentiment)],
    );
    this.cache?.invalidate("news");
    return result.rowCount ?? 0;
  }
}

interface PreparedArticle {
  hash: string;
  title: string;
  url: string;
  source: string;
  summary: string | null;
  tickers: string[];
  publishedAt: Date;
}

function prepare(articles: readonly NewsArticleInput[]): PreparedArticle[] {
  const seen = new Set<string>();
  const rows: PreparedArticle[] = [];
  articles.forEach((a, index) => {
    const title = a.title?.trim();
    const url = a.url?.trim();
    if (!title) throw new InvalidNewsError(index, "title is empty");
    if (!url) throw new InvalidNewsError(index, "url is empty");
    if (!(a.publishedAt instanceof Date) || Number.isNaN(a.publishedAt.getTime())) throw new InvalidNewsError(index, "publishedAt is not a valid date");
    const tickers = [...new Set(a.tickers.map((t) => t.trim().toUpperCase()))];
    const bad = tickers.find((t) => !TICKER_PATTERN.test(t));
    if (bad !== undefined) throw new InvalidNewsError(index, `"${bad}" is not a ticker`);
    const hash = contentHash(title, url);
    if (seen.has(hash)) return; // the same article twice in one batch
    seen.add(hash);
    rows.push({ hash, title, url, source: a.source ?? "", summary: a.summary ?? null, tickers, publishedAt: a.publishedAt });
  });
  return rows.sort((x, y) => (x.hash < y.hash ? -1 : x.hash > y.hash ? 1 : 0));
}

interface ArticleRow {
  id: string;
  content_hash: string;
  title: string;
  url: string;
  source: string;
  summary: string | null;
  tickers: string[];
  published_at: Date;
  fetched_at: Date;
  processed_at: Date | null;
  sentiment: string | null;
}

function toArticle(row: ArticleRow): NewsArticle {
  return {
    id: row.id,
    contentHash: row.content_hash,
    title: row.title,
    url: row.url,
    source: row.source,
    summary: row.summary,
    tickers: row.tickers,
    publishedAt: row.published_at,
    fetchedAt: row.fetched_at,
    processedAt: row.processed_at,
    sentiment: row.sentiment,
  };
}
