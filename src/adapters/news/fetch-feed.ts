import Parser from "rss-parser";
import { systemClock, type Clock } from "../../app/ports/clock.js";
import type { FeedFailureReason, FeedFetcher, FeedResult } from "../../app/ports/news-feed.js";
import type { NewsArticleInput } from "../../domain/news.js";
import { tagCategories, tagTickers, type WatchlistEntry } from "../../domain/news-tagging.js";

export type { FeedFailureReason, FeedResult };

export interface FetchFeedOptions {
  /** Tickers and company names to tag articles with. Pass the same array every time (its patterns are compiled once). */
  watchlist?: readonly WatchlistEntry[];
  /** The whole fetch (connect, headers, body) must finish within this; default 10 s. */
  timeoutMs?: number;
  /** A body past this many bytes (after decompression) is abandoned unread; default 5 MB. */
  maxBytes?: number;
  /** The fetch time, given to items without a usable date. */
  clock?: Clock;
}

export const DEFAULT_FEED_TIMEOUT_MS = 10_000;
export const DEFAULT_FEED_MAX_BYTES = 5 * 1024 * 1024;
/** Longest summary kept, in UTF-16 code units. */
export const MAX_SUMMARY_LENGTH = 2_000;
/** A date further ahead of the fetch than this is a feed's mistake (or a trick to stay on top): the fetch time replaces it. */
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

const ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5";
const USER_AGENT = "WarRoom-news-ingest/0.1";

/** The fetcher `ingestNews` takes, with the options bound once. */
export function createFeedFetcher(options: FetchFeedOptions = {}): FeedFetcher {
  return (url) => fetchFeed(url, options);
}

/**
 * Fetches, decodes and parses one RSS 2.0, RSS 1.0 or Atom feed into articles. Hostile or
 * broken feeds end as `{ ok: false }` within the limits: a server that never answers or
 * trickles bytes (timeout), a body past `maxBytes` (too_large: reading stops there and the
 * connection is dropped, the rest is never buffered), a non-2xx status, unparseable XML.
 */
export async function fetchFeed(url: string, options: FetchFeedOptions = {}): Promise<FeedResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FEED_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_FEED_MAX_BYTES;
  const fail = (reason: FeedFailureReason, detail: string): FeedResult => ({ ok: false, feed: url, reason, detail });

  const deadline = AbortSignal.timeout(timeoutMs);
  const stop = new AbortController();
  const signal = AbortSignal.any([deadline, stop.signal]);
  const failure = (error: unknown): FeedResult =>
    deadline.aborted ? fail("timeout", `no complete answer within ${timeoutMs} ms`) : fail("network", describe(error));

  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: "follow", headers: { accept: ACCEPT, "user-agent": USER_AGENT } });
  } catch (error) {
    return failure(error);
  }
  if (!response.ok) {
    stop.abort();
    return fail("http_status", `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
  }
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    stop.abort();
    return fail("too_large", `Content-Length ${declared} bytes is over the ${maxBytes}-byte limit`);
  }

  let bytes: Uint8Array;
  try {
    const body = await readAtMost(response, maxBytes);
    if (body === null) {
      stop.abort(); // drops the connection: the rest of the body is never read
      return fail("too_large", `body is over the ${maxBytes}-byte limit`);
    }
    bytes = body;
  } catch (error) {
    return failure(error);
  }

  const fetchedAt = (options.clock ?? systemClock).now();
  try {
    const xml = decodeFeed(bytes, response.headers.get("content-type"));
    return { ok: true, feed: url, items: await parseFeed(xml, { feedUrl: response.url || url, fetchedAt, watchlist: options.watchlist ?? [] }) };
  } catch (error) {
    return fail("bad_xml", describe(error));
  }
}

/** The body, or null as soon as it grows past `maxBytes` (the stream is cancelled there). */
async function readAtMost(response: Response, maxBytes: number): Promise<Uint8Array | null> {
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

const CHARSET_PARAMETER = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;
const XML_DECLARATION = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/;

/**
 * Bytes to text. A byte-order mark decides; then the charset of the Content-Type header
 * (RFC 7303); then the XML declaration's `encoding`. One exception for servers that label
 * everything UTF-8: when the header says UTF-8, the bytes are not valid UTF-8 and the
 * declaration names another encoding, the declaration wins. An unknown label reads as UTF-8,
 * and a stray invalid byte becomes U+FFFD rather than failing the feed.
 */
export function decodeFeed(bytes: Uint8Array, contentType: string | null): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decoder("utf-8").decode(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decoder("utf-16be").decode(bytes);
  const header = contentType ? CHARSET_PARAMETER.exec(contentType)?.[1] : undefined;
  const prolog = XML_DECLARATION.exec(Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 512)).toString("latin1"))?.[1];
  if (header && !isUtf8(header)) return decoder(header).decode(bytes);
  if (prolog && !isUtf8(prolog)) {
    if (!header) return decoder(prolog).decode(bytes);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return decoder(prolog).decode(bytes);
    }
  }
  return decoder("utf-8").decode(bytes);
}

function isUtf8(label: string): boolean {
  return /^utf-?8$/i.test(label.trim());
}

interface Decoder {
  decode(bytes: Uint8Array): string;
}

function decoder(label: string): Decoder {
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(label.trim());
  } catch {
    return new TextDecoder("utf-8"); // an encoding nobody knows: read what UTF-8 can
  }
  return decoder.encoding === "windows-1252" ? { decode: (bytes) => decoder.decode(bytes).replace(/[\u0080-\u009f]/g, windows1252) } : decoder;
}

/**
 * Bytes 0x80-0x9F of windows-1252 (which the WHATWG labels iso-8859-1, latin1 and us-ascii
 * mean too). Node 20's TextDecoder decodes that whole family as ISO-8859-1, turning curly
 * quotes, dashes and the euro sign into C1 control characters; this puts them back. Where
 * TextDecoder gets it right, no C1 character is left to replace.
 */
const WINDOWS_1252_C1 = "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

function windows1252(c1: string): string {
  return WINDOWS_1252_C1[c1.charCodeAt(0) - 0x80] ?? c1;
}

type FeedItem = Parser.Item & { id?: unknown; categoryElements?: unknown[]; "content:encodedSnippet"?: unknown };

export interface ParseContext {
  /** The feed's URL: relative item links resolve against it, and its host names an untitled feed. */
  feedUrl: string;
  /** When the feed was fetched: the date of items without a usable one. */
  fetchedAt: Date;
  watchlist: readonly WatchlistEntry[];
}

/**
 * Parses a feed document (RSS 2.0, RSS 0.9x, RSS 1.0/RDF or Atom) into articles; throws on
 * malformed XML or a document that is not a feed. Items without a title or a usable http(s)
 * link are skipped.
 */
export async function parseFeed(xml: string, context: ParseContext): Promise<NewsArticleInput[]> {
  // A parser per document: xml2js keeps per-parse state on the instance.
  const parser = new Parser<Record<string, unknown>, { categoryElements?: unknown[] }>({
    customFields: { item: [["category", "categoryElements", { keepArray: true }]] },
  });
  const feed = await parser.parseString(xml);
  const source = text(feed.title) || hostOf(context.feedUrl);
  const articles: NewsArticleInput[] = [];
  for (const item of feed.items as FeedItem[]) {
    const article = toArticle(item, source, context);
    if (article) articles.push(article);
  }
  return articles;
}

function toArticle(item: FeedItem, source: string, context: ParseContext): NewsArticleInput | null {
  const title = text(item.title).replace(/\s+/g, " ");
  if (!title) return null;
  const url = articleUrl(item, context.feedUrl);
  if (!url) return null;
  // RSS: the description (contentSnippet is its text), else content:encoded. Atom: the summary, else the content.
  const rawSummary = text(item.summary) ? htmlToText(text(item.summary)) : text(item.contentSnippet) || text(item["content:encodedSnippet"]);
  const summary = truncate(rawSummary.replace(/\s+/g, " ").trim(), MAX_SUMMARY_LENGTH) || null;
  const tickers = new Set([
    ...tagTickers(summary ? `${title}\n${summary}` : title, context.watchlist),
    ...tagCategories(categories(item), context.watchlist),
  ]);
  return { title, url, source, summary, tickers: [...tickers].sort(), publishedAt: publishedAt(item, context.fetchedAt) };
}

/** The item's link (Atom: the alternate link's href), else its guid or Atom id when that is a URL. */
function articleUrl(item: FeedItem, feedUrl: string): string | null {
  const link = resolveHttp(text(item.link), feedUrl);
  if (link) return link;
  for (const id of [text(item.guid), text(item.id)]) {
    if (/^https?:\/\//i.test(id)) {
      const url = resolveHttp(id, feedUrl);
      if (url) return url;
    }
  }
  return null;
}

function resolveHttp(candidate: string, base: string): string | null {
  if (!candidate) return null;
  try {
    const url = new URL(candidate, base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function publishedAt(item: FeedItem, fetchedAt: Date): Date {
  for (const candidate of [text(item.isoDate), text(item.pubDate)]) {
    if (!candidate) continue;
    const date = new Date(candidate);
    const time = date.getTime();
    if (Number.isNaN(time)) continue;
    return time > fetchedAt.getTime() + MAX_FUTURE_MS ? fetchedAt : date;
  }
  return fetchedAt;
}

/** RSS `<category>` text (with or without a domain attribute) and Atom `<category term label>`. */
function categories(item: FeedItem): string[] {
  const out: string[] = [];
  for (const element of item.categoryElements ?? []) {
    if (typeof element === "string") out.push(element);
    else if (element && typeof element === "object") {
      const { _: body, $: attributes } = element as { _?: unknown; $?: { term?: unknown; label?: unknown } };
      for (const value of [body, attributes?.term, attributes?.label]) if (typeof value === "string") out.push(value);
    }
  }
  return out;
}

/** A string field as text; xml2js hands an element with attributes but no text over as an object. */
function text(value: unknown): string {
  if (typeof value === "string") return value.trim();
  if (value && typeof value === "object" && typeof (value as { _?: unknown })._ === "string") return (value as { _: string })._.trim();
  return "";
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Markup out, the common entities decoded: enough for a summary's plain text. */
function htmlToText(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity: string, name: string) => {
      if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? entity;
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    });
}

/** At most `max` code units, never ending on half a surrogate pair. */
function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = value.slice(0, max);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${(error.cause as NodeJS.ErrnoException).code ?? error.cause.message}` : "";
  return `${error.message.split("\n")[0]}${cause}`;
}
