import { z } from "zod";
import { ingestNews, type IngestNewsDeps } from "../src/app/news/ingest-news.js";
import type { JobDefinition } from "./registry.js";

const payload = z.object({}).strict();

export interface NewsIngestJobDeps extends IngestNewsDeps {
  /** The configured RSS/Atom feed URLs (NEWS_FEEDS). */
  feeds: readonly string[];
}

/**
 * `news-ingest` (NEWS_INGEST_CRON, every 5 minutes by default): fetches every configured feed,
 * skips the broken ones (logged, and listed in the job's result) and stores the new articles.
 * Only a failing store throws, so that BullMQ retries; a dead feed is not worth a retry.
 */
export function newsIngestJob(deps: NewsIngestJobDeps, cron: string, timeZone: string): JobDefinition<z.infer<typeof payload>, "news-ingest"> {
  return {
    name: "news-ingest",
    payload,
    schedule: { pattern: cron, tz: timeZone },
    async process() {
      if (deps.feeds.length === 0) return { feeds: 0, failed: [], items: 0, inserted: 0 };
      return ingestNews(deps, deps.feeds);
    },
  };
}
