import type { NewsArticle, NewsArticleInput } from "../../domain/news.js";

export interface NewsStore {
  /** Inserts the articles not seen before (by content hash); returns how many were new. */
  insertBatch(articles: readonly NewsArticleInput[]): Promise<number>;
  /** A ticker's newest articles, newest first. */
  recentForTicker(ticker: string, limit: number): Promise<NewsArticle[]>;
  /** Articles processed in [from, to), most recently processed first. */
  processedBetween(from: Date, to: Date, limit: number): Promise<NewsArticle[]>;
  /** Marks articles processed, with their sentiment score (-1..1) when known. */
  markProcessed(items: readonly { id: string; sentiment: string | null }[], at: Date): Promise<number>;
}
