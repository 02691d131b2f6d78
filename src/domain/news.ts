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
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** scheme://authority path ?query (#fragment dropped): enough structure to normalise a link. */
const URL_PARTS = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/;

/** Lower-case, Unicode-normalised, single-spaced: the same headline from two feeds matches. */
export function normaliseTitle(title: string): string {
  // NFKC is the costly step of ingest hashing; plain ASCII is already in normal form.
  const normal = PRINTABLE_ASCII.test(title) ? title : title.normalize("NFKC");
  return normal.toLowerCase().replace(/\s+/g, " ").trim();
}

/**
 * The same article reached through different links should hash alike: drop the fragment and
 * tracking parameters, sort the rest by name, lower-case scheme and host, trim a trailing
 * slash. A hand-written split rather than `new URL()`: it runs for every ingested article.
 */
export function normaliseUrl(raw: string): string {
  const trimmed = raw.trim();
  const parts = URL_PARTS.exec(trimmed);
  if (!parts) return trimmed;
  const [, scheme = "", host = "", rawPath = "", query] = parts;
  const path = rawPath.length > 1 && rawPath.endsWith("/") ? rawPath.slice(0, -1) : rawPath || "/";
  let search = "";
  if (query) {
    const name = (pair: string) => pair.split("=", 1)[0] ?? "";
    const kept = query.split("&").filter((pair) => pair !== "" && !TRACKING_PARAMETER.test(name(pair)));
    kept.sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
    if (kept.length > 0) search = `?${kept.join("&")}`;
  }
  return `${scheme.toLowerCase()}://${host.toLowerCase()}${path}${search}`;
}

/** The de-duplication key of an article: sha256 of its normalised title and URL, in hex. */
export function contentHash(title: string, url: string): string {
  return createHash("sha256").update(normaliseTitle(title)).update("\n").update(normaliseUrl(url)).digest("hex");
}
