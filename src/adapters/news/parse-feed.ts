import Parser from "rss-parser";
import type { NewsArticleInput } from "../../domain/news.js";
import { tagCategories, tagTickers, type WatchlistEntry } from "../../domain/news-tagging.js";
import { cleanText } from "../../domain/text.js";
import { parseFeedDate } from "./feed-date.js";
import { prepareFeedXml } from "./feed-xml.js";
import { htmlToText } from "./html-text.js";

/** Longest title kept, in characters (grapheme clusters). */
const MAX_TITLE_LENGTH = 500;
/** Longest summary kept, in characters (grapheme clusters). */
const MAX_SUMMARY_LENGTH = 2_000;
const MAX_SOURCE_LENGTH = 200;
/** A date further ahead of the fetch than this is a feed's mistake (or a trick to stay on top): the fetch time replaces it. */
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

export interface ParseContext {
  /** The feed's URL: relative links resolve against it (after any xml:base), and its host names an untitled feed. */
  feedUrl: string;
  /** When the feed was fetched: the date of items without a usable one. */
  fetchedAt: Date;
  watchlist: readonly WatchlistEntry[];
}

/** What an xml2js element can be once rss-parser hands it over: text, or an object with `_` (text) and `$` (attributes). */
type Node = unknown;

interface FeedExtras {
  attributes?: Record<string, unknown>;
}

interface ItemExtras {
  attributes?: Record<string, unknown>;
  linkElements?: Node[];
  atomLinks?: Node[];
  categoryElements?: Node[];
  published?: Node;
  updated?: Node;
  atomUpdated?: Node;
  dcDate?: Node;
  dcDescription?: Node;
  itunesSummary?: Node;
  mediaDescription?: Node;
  mediaGroup?: Node;
  mediaContent?: Node[];
  id?: Node;
  "content:encoded"?: Node;
}

type FeedItem = Parser.Item & ItemExtras;

const keep = { keepArray: true };

/**
 * Parses a feed document (RSS 2.0 with or without its version attribute, RSS 0.9x, RSS 1.0/RDF,
 * Atom with or without a namespace prefix) into articles; throws on malformed XML or a document
 * that is not a feed. Items without a title or a usable http(s) link are skipped.
 *
 * - Titles and summaries are plain text (see htmlToText), cleaned with cleanText and cut on
 *   character boundaries; tickers are tagged on that text.
 * - The link: RSS `<link>`, else an Atom link (`atom:link`, `a10:link`: any prefix bound to
 *   the Atom namespace) whose rel is alternate or absent, else a guid or Atom id that is a URL.
 *   A relative link resolves against the link's, the item's and the channel's (feed's)
 *   `xml:base`, innermost first, and then the feed's URL.
 * - The summary: Atom summary, RSS description, Atom content, content:encoded, dc:description,
 *   itunes:summary, media:description (on the item, in a media:group or a media:content), the
 *   first that has text.
 * - The date: Atom published, RSS pubDate, dc:date, Atom updated (or an RSS item's
 *   atom:updated, as .NET writes it), the first that parses (see parseFeedDate). An item with
 *   no readable date, or one more than a day ahead of the fetch, is dated at the fetch time:
 *   it is news now, and it is never placed in the future.
 */
export async function parseFeed(xml: string, context: ParseContext): Promise<NewsArticleInput[]> {
  const prepared = prepareFeedXml(xml);
  // A parser per document: xml2js keeps per-parse state on the instance.
  const parser = new Parser<FeedExtras, ItemExtras>({
    defaultRSS: 2, // <rss> without a version attribute: read as RSS 2.0, as browsers and feed readers do
    xml2js: prepared.xml2js,
    customFields: {
      // The typings allow only plain names for feed fields; rss-parser reads [from, to, options] there as for items.
      feed: [["$", "attributes", keep]] as unknown as (keyof FeedExtras)[],
      item: [
        ["$", "attributes", keep],
        ["link", "linkElements", keep],
        ["atom:link", "atomLinks", keep],
        ["category", "categoryElements", keep],
        ["atom-published", "published"],
        ["atom-updated", "updated"],
        ["atom:updated", "atomUpdated"],
        ["dc:date", "dcDate"],
        ["dc:description", "dcDescription"],
        ["itunes:summary", "itunesSummary"],
        ["media:description", "mediaDescription"],
        ["media:group", "mediaGroup"],
        ["media:content", "mediaContent", keep],
      ],
    },
  });
  const feed = await parser.parseString(prepared.xml);
  const source = cleanText(htmlToText(text(feed.title)), { maxChars: MAX_SOURCE_LENGTH }) || hostOf(context.feedUrl);
  // The channel's (feed's) xml:base, resolved once for all its items.
  const feedBase = withBase(context.feedUrl, attribute(feed.attributes, "xml:base"));
  const articles: NewsArticleInput[] = [];
  for (const item of feed.items as FeedItem[]) {
    const article = toArticle(item, source, feedBase, context);
    if (article) articles.push(article);
  }
  return articles;
}

function toArticle(item: FeedItem, source: string, feedBase: string, context: ParseContext): NewsArticleInput | null {
  const title = cleanText(htmlToText(text(item.title)), { maxChars: MAX_TITLE_LENGTH });
  if (!title) return null;
  const url = articleUrl(item, withBase(feedBase, attribute(item.attributes, "xml:base")));
  if (!url) return null;
  const summary = cleanText(htmlToText(firstText(summaryCandidates(item))), { maxChars: MAX_SUMMARY_LENGTH }) || null;
  const tickers = new Set([...tagTickers(summary ? `${title}\n${summary}` : title, context.watchlist), ...tagCategories(categories(item), context.watchlist)]);
  return { title, url, source, summary, tickers: [...tickers].sort(), publishedAt: publishedAt(item, context.fetchedAt) };
}

function summaryCandidates(item: FeedItem): Node[] {
  const media = [item.mediaDescription, ...[item.mediaGroup, ...(item.mediaContent ?? [])].map((m) => child(m, "media:description"))];
  // rss-parser puts an RSS description (and an Atom content) in `content`, an Atom summary in `summary`.
  return [item.summary, item.content, item["content:encoded"], item.dcDescription, item.itunesSummary, ...media];
}

/** The article's URL, resolved against the item's base (see withBase) and any xml:base of the link itself. */
function articleUrl(item: FeedItem, itemBase: string): string | null {
  for (const link of [...(item.linkElements ?? []), ...(item.atomLinks ?? [])]) {
    const href = linkHref(link);
    if (!href) continue;
    const url = resolveHttp(href, withBase(itemBase, attribute(attributes(link), "xml:base")));
    if (url) return url;
  }
  for (const id of [text(item.guid), text(item.id)]) {
    if (/^https?:\/\//i.test(id)) {
      const url = resolveHttp(id, itemBase);
      if (url) return url;
    }
  }
  return null;
}

/** RSS `<link>` text, or an Atom link's href when it is the alternate one (rel absent or "alternate"). */
function linkHref(link: Node): string {
  const attrs = attributes(link);
  if (attrs && typeof attrs.href === "string") {
    const rel = typeof attrs.rel === "string" ? attrs.rel.trim().toLowerCase() : "alternate";
    return rel === "alternate" ? attrs.href.trim() : "";
  }
  return text(link);
}

/** The base URL inside an element: its xml:base (when it has one that resolves) against the base outside it. */
function withBase(outer: string, xmlBase: string): string {
  return xmlBase ? (resolve(xmlBase, outer) ?? outer) : outer;
}

function resolve(candidate: string, base: string): string | null {
  try {
    return new URL(candidate.trim(), base).href;
  } catch {
    return null;
  }
}

function resolveHttp(candidate: string, base: string): string | null {
  if (!candidate) return null;
  const url = resolve(candidate, base);
  return url && /^https?:/i.test(url) ? url : null;
}

function publishedAt(item: FeedItem, fetchedAt: Date): Date {
  for (const candidate of [item.published, item.pubDate, item.dcDate, item.updated, item.atomUpdated]) {
    const date = parseFeedDate(text(candidate));
    if (!date) continue;
    return date.getTime() > fetchedAt.getTime() + MAX_FUTURE_MS ? fetchedAt : date;
  }
  return fetchedAt;
}

/** RSS `<category>` text (with or without a domain attribute) and Atom `<category term label>`. */
function categories(item: FeedItem): string[] {
  const out: string[] = [];
  for (const element of item.categoryElements ?? []) {
    if (typeof element === "string") out.push(element);
    else if (element && typeof element === "object") {
      const { _: body, $: attrs } = element as { _?: unknown; $?: { term?: unknown; label?: unknown } };
      for (const value of [body, attrs?.term, attrs?.label]) if (typeof value === "string") out.push(value);
    }
  }
  return out;
}

function firstText(candidates: Node[]): string {
  for (const candidate of candidates) {
    const value = text(candidate);
    if (value) return value;
  }
  return "";
}

/** A field as text: xml2js hands text over as a string, or as `_` of an object when the element has attributes; arrays hold repeated elements. */
function text(value: Node): string {
  if (Array.isArray(value)) return text(value[0]);
  if (typeof value === "string") return value.trim();
  if (value && typeof value === "object" && typeof (value as { _?: unknown })._ === "string") return (value as { _: string })._.trim();
  return "";
}

function attributes(value: Node): Record<string, unknown> | undefined {
  if (value && typeof value === "object" && !Array.isArray(value)) return (value as { $?: Record<string, unknown> }).$;
  return undefined;
}

function attribute(attrs: Record<string, unknown> | undefined, name: string): string {
  const value = attrs?.[name];
  return typeof value === "string" ? value.trim() : "";
}

function child(value: Node, name: string): Node {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, Node>)[name] : undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
