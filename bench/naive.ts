import type pg from "pg";
import { contentHash, type NewsArticleInput } from "../src/domain/news.js";

/**
 * The baseline: one autocommit statement at a time through the same pool, as a naive
 * ingester would write it: look the hash up, insert the article, then each ticker tag.
 */
export async function naiveIngest(pool: pg.Pool, articles: readonly NewsArticleInput[]): Promise<number> {
  let inserted = 0;
  for (const a of articles) {
    const hash = contentHash(a.title, a.url);
    const found = await pool.query("SELECT 1 FROM news_articles WHERE content_hash = $1", [hash]);
    if (found.rowCount) continue;
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO news_articles (content_hash, title, url, source, summary, tickers, published_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [hash, a.title.trim(), a.url.trim(), a.source, a.summary ?? null, a.tickers, a.publishedAt],
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new Error("INSERT ... RETURNING id returned no row");
    for (const ticker of a.tickers) {
      await pool.query("INSERT INTO news_article_tickers (article_id, ticker, published_at) VALUES ($1, $2, $3)", [id, ticker, a.publishedAt]);
    }
    inserted += 1;
  }
  return inserted;
}
