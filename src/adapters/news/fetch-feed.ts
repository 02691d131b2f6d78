import iconv from "iconv-lite";
import { systemClock, type Clock } from "../../app/ports/clock.js";
import type { FeedFailureReason, FeedFetcher, FeedResult } from "../../app/ports/news-feed.js";
import type { WatchlistEntry } from "../../domain/news-tagging.js";
import { parseFeed } from "./parse-feed.js";

export type { FeedFailureReason, FeedResult };
export { parseFeed, type ParseContext } from "./parse-feed.js";

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

const ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5";
const USER_AGENT = "WarRoom-news-ingest/0.1";

/** The fetcher `ingestNews` takes, with the options bound once. */
export function createFeedFetcher(options: FetchFeedOptions = {}): FeedFetcher {
  return (url) => fetchFeed(url, options);
}

/**
 * Fetches, decodes and parses (see parseFeed) one RSS 2.0, RSS 1.0 or Atom feed into articles. Hostile or
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
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeAs("utf-8", bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeAs("utf-16le", bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeAs("utf-16be", bytes);
  const header = contentType ? CHARSET_PARAMETER.exec(contentType)?.[1] : undefined;
  const prolog = XML_DECLARATION.exec(Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 512)).toString("latin1"))?.[1];
  if (header && !isUtf8(header)) return decodeAs(header, bytes);
  if (prolog && !isUtf8(prolog)) {
    if (!header) return decodeAs(prolog, bytes);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return decodeAs(prolog, bytes);
    }
  }
  return decodeAs("utf-8", bytes);
}

function isUtf8(label: string): boolean {
  return /^utf-?8$/i.test(label.trim());
}

/**
 * Bytes in the named charset. The label is read as a browser would (WHATWG: "iso-8859-1",
 * "latin1" and "us-ascii" all mean windows-1252, where bytes 0x80-0x9F are curly quotes,
 * dashes and the euro sign), then decoded by iconv-lite, which knows the legacy charsets feeds
 * still use (windows-125x, Shift_JIS, EUC-KR, GB18030, Big5, KOI8-R...). An encoding nobody
 * knows reads as UTF-8.
 */
function decodeAs(label: string, bytes: Uint8Array): string {
  let name = label.trim();
  try {
    name = new TextDecoder(name).encoding;
  } catch {
    // not a WHATWG label: iconv-lite may still know it (cp437, ...)
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return iconv.encodingExists(name) ? iconv.decode(buffer, name) : new TextDecoder("utf-8").decode(bytes);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${(error.cause as NodeJS.ErrnoException).code ?? error.cause.message}` : "";
  return `${error.message.split("\n")[0]}${cause}`;
}
