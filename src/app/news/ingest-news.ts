import type { NewsArticleInput } from "../../domain/news.js";
import type { FeedFailureReason, FeedFetcher, FeedResult } from "../ports/news-feed.js";
import type { NewsStore } from "../ports/news-store.js";
import { mapBounded } from "../map-bounded.js";

/** The part of a (pino) logger ingestion uses. */
export interface IngestLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface IngestNewsDeps {
  news: NewsStore;
  fetchFeed: FeedFetcher;
  log: IngestLog;
}

export interface IngestNewsResult {
  feeds: number;
  failed: { feed: string; reason: FeedFailureReason; detail: string }[];
  /** Articles parsed from the feeds that answered, duplicates included. */
  items: number;
  /** Articles new to the store (by content hash). */
  inserted: number;
}

/** Feeds fetched at the same time: enough to hide latency, few enough to be a polite client. */
export const FEED_CONCURRENCY = 4;

/**
 * One ingestion round: fetches every feed (at most `concurrency` at a time), logs and skips the
 * ones that fail, and stores all the articles in one batched insert, where the content hash
 * lets an article carried by two feeds in only once. Only the store failing fails the round.
 */
export async function ingestNews(deps: IngestNewsDeps, feeds: readonly string[], concurrency = FEED_CONCURRENCY): Promise<IngestNewsResult> {
  const results = await mapBounded(feeds, concurrency, async (feed): Promise<FeedResult> => {
    try {
      return await deps.fetchFeed(feed);
    } catch (error) {
      // A fetcher is not supposed to throw; should one, it costs that feed only.
      return { ok: false, feed, reason: "network", detail: error instanceof Error ? error.message : String(error) };
    }
  });
  const failed: IngestNewsResult["failed"] = [];
  const items: NewsArticleInput[] = [];
  for (const result of results) {
    if (result.ok) {
      items.push(...result.items);
    } else {
      const entry = { feed: feedLabel(result.feed), reason: result.reason, detail: result.detail };
      failed.push(entry);
      deps.log.warn(entry, "news feed skipped");
    }
  }
  const inserted = items.length > 0 ? await deps.news.insertBatch(items) : 0;
  const summary = { feeds: feeds.length, failed, items: items.length, inserted };
  deps.log.info({ feeds: summary.feeds, failed: failed.length, items: summary.items, inserted }, "news ingested");
  return summary;
}

/**
 * A feed as logs and job results show it: scheme, host and path. Credentials in the URL and a
 * query string (a private feed's key) are left out; the query shows as "?…".
 */
export function feedLabel(url: string): string {
  const bare = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, "$1");
  const query = bare.search(/[?#]/);
  return query < 0 ? bare : `${bare.slice(0, query)}${bare[query] === "?" ? "?…" : ""}`;
}
