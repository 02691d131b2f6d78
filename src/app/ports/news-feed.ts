import type { NewsArticleInput } from "../../domain/news.js";

export type FeedFailureReason = "timeout" | "too_large" | "http_status" | "bad_xml" | "network";

/** One feed's outcome: its articles, or why it was skipped. A bad feed is a result, never a throw. */
export type FeedResult =
  | { ok: true; feed: string; items: NewsArticleInput[] }
  | { ok: false; feed: string; reason: FeedFailureReason; detail: string };

/** Fetches and parses one RSS/Atom feed, within its own time and size limits. */
export type FeedFetcher = (url: string) => Promise<FeedResult>;
