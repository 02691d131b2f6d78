import { createHash } from "node:crypto";

export interface NewsArticleInput {
  title: string;
  url: string;
  source: string;
  summary?: string | null;
  /** Upper-case tickers the article is about; may be empty. */
  tickers: string[];
  publishedAt: Date;
}

export interface NewsArticle {
  id: string;
  contentHash: string;
  title: string;
  url: string;
  source: string;
  summary: string | null;
  tickers: string[];
  publishedAt: Date;
  fetchedAt: Date;
  processedAt: Date | null;
  sentiment: string | null;
}

const TRACKING_PARAMETER = /^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid)$/i;

/** Lower-case, Unicode-normalised, single-spaced: the same headline from two feeds matches. */
export function normaliseTitle(title: string): string {
  return title.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/**
 * The same article reached through different links should hash alike: drop the fragment and
 * tracking parameters, sort the rest, lower-case the host, trim a trailing slash.
 */
export function normaliseUrl(raw: string): string {
  const trimmed = raw.trim();
  if (!URL.canParse(trimmed)) return trimmed;
  const url = new URL(trimmed);
  url.hash = "";
  const kept = [...url.searchParams.entries()].filter(([k]) => !TRACKING_PARAMETER.test(k)).sort(([a], [b]) => a.localeCompare(b));
  url.search = new URLSearchParams(kept).toString();
  if (url.pathname.length > 1 && url.pathname.endsWith("/")) url.pathname = url.pathname.slice(0, -1);
  return url.toString();
}

/** The de-duplication key of an article: sha256 of its normalised title and URL, in hex. */
export function contentHash(title: string, url: string): string {
  return createHash("sha256").update(normaliseTitle(title)).update("\n").update(normaliseUrl(url)).digest("hex");
}
