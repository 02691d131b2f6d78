import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NewsRepository } from "../../src/adapters/db/repositories/news-repository.js";
import { createFeedFetcher } from "../../src/adapters/news/fetch-feed.js";
import { ingestNews, type IngestLog } from "../../src/app/news/ingest-news.js";
import { parseWatchlist } from "../../src/domain/news-tagging.js";
import { useTestDatabase } from "../support/database.js";

/**
 * Feed quirks met in a corpus of real-world feeds (issue 12, "News from real feeds"): each
 * fixture in test/fixtures/feeds is served over local HTTP, ingested through the real path
 * (fetch, decode, parse, tag, one batched insert) and every item read back from news_articles.
 */
const db = useTestDatabase();

const FETCHED_AT = new Date("2026-03-04T00:00:00Z");
const watchlist = parseWatchlist(["NVDA:Nvidia", "ORCL:Oracle", "AAPL:Apple"]);
const fetchFeed = createFeedFetcher({ watchlist, clock: { now: () => FETCHED_AT } });

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = (req.url ?? "/").slice(1).split("?")[0] ?? "";
    if (!/^[\w.-]+\.xml$/.test(name)) return void res.writeHead(404).end();
    try {
      res.writeHead(200, { "content-type": "application/xml" }).end(readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url)));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

interface Stored {
  title: string;
  url: string;
  published: string;
  summary: string | null;
  tickers: string[];
}

/** Ingests one fixture feed and returns what was stored from it, by title (the insert does not keep the feed's order). */
async function ingest(file: string): Promise<Stored[]> {
  const warnings: object[] = [];
  const log: IngestLog = { info: () => undefined, warn: (fields) => warnings.push(fields) };
  const [{ last }] = await db.dataSource.query(`SELECT coalesce(max(id), 0)::bigint AS last FROM news_articles`);
  const result = await ingestNews({ news: new NewsRepository(db.dataSource), fetchFeed, log }, [`${base}/${file}`]);
  expect(result.failed).toEqual([]);
  expect(warnings).toEqual([]);
  expect(result.inserted).toBe(result.items);
  const rows: { title: string; url: string; published_at: Date; summary: string | null; tickers: string[] }[] = await db.dataSource.query(
    `SELECT title, url, published_at, summary, tickers FROM news_articles WHERE id > $1 ORDER BY title COLLATE "C"`,
    [last],
  );
  return rows.map((r) => ({ title: r.title, url: r.url, published: r.published_at.toISOString(), summary: r.summary, tickers: r.tickers }));
}

/** The expected items in the order `ingest` returns them. */
function byTitle(items: Stored[]): Stored[] {
  return [...items].sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
}

function item(title: string, url: string, published: string, summary: string | null, tickers: string[] = []): Stored {
  return { title, url, published: new Date(published).toISOString(), summary, tickers };
}

describe("news from real feeds: stored title, link, date and summary of every item", () => {
  it("stores titles and summaries as plain text: tags stripped, every entity decoded, whitespace collapsed, cut on a character boundary; tags the decoded text", async () => {
    const family = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}";
    expect(await ingest("html-titles.xml")).toEqual(byTitle([
      item("Properties in PHP – revisited", "https://notes.example.com/2026/03/php-properties/", "2026-03-03T08:15:00Z", "Typed properties, “readonly” and hooks…"),
      item("Slack Stock jumps after <Salesforce> deal", "https://notes.example.com/2026/03/slack-stock/", "2026-03-03T09:00:00Z", "Shares rose 12% in pre-market trading."),
      // The hex-escaped "$" was hiding the cashtag; "$4300" is an amount, never a ticker.
      item("Gold tops $4300 as $NVDA slips", "https://notes.example.com/2026/03/gold-4300/", "2026-03-03T10:30:00Z", "Bullion hit $4,312 an ounce; Nvidia fell 2%.", ["NVDA"]),
      item(
        "Quake felt near 40.347°N — refiners check plants",
        "https://notes.example.com/2026/03/quake/",
        "2026-03-03T11:00:00Z",
        "Epicentre at 40.347°N, 18.17°E; €2 bn of capacity & ½ the region’s output.",
      ),
      // 2,000 characters at most: the four-person family emoji (11 UTF-16 units) is kept whole.
      item("A long read \u{1F4DA}", "https://notes.example.com/2026/03/long-read/", "2026-03-03T12:00:00Z", `${"a".repeat(1998)}${family}…`),
    ]));
    const [source] = await db.dataSource.query(`SELECT DISTINCT source FROM news_articles WHERE url LIKE 'https://notes.example.com/%'`);
    expect(source.source).toBe("Dev & Markets – Notes");
  });

  it("takes an RSS item's link from atom:link / a10:link (as .NET's SyndicationFeed writes it), the alternate one, against the feed URL", async () => {
    expect(await ingest("dotnet-a10-links.xml")).toEqual(byTitle([
      item("Contoso reports fourth-quarter results", "https://ir.contoso.example/news/2026/03/q4-results", "2026-03-02T21:05:00Z", "Revenue rose 9% to $4.1 billion."),
      // No pubDate: the item's a10:updated.
      item("Contoso declares quarterly dividend", `${base}/news/2026/03/dividend`, "2026-03-01T19:00:00Z", "$0.42 per share, payable April 15."),
    ]));
  });

  it("reads Atom titles and summaries of type xhtml with inline markup, in order", async () => {
    expect(await ingest("atom-xhtml-titles.xml")).toEqual(byTitle([
      item("Slack shares jump after earnings beat", "https://tape.example.org/2026/03/slack-jumps", "2026-03-03T15:00:00Z", "Guidance & margins both up; Oracle’s deal closes.", ["ORCL"]),
      item("Rates: 10-year yield at 4.1%", "https://tape.example.org/2026/03/ten-year", "2026-03-03T13:00:00Z", "Treasuries rallied."),
    ]));
  });

  it("accepts <rss> without a version attribute", async () => {
    expect(await ingest("rss-no-version.xml")).toEqual(byTitle([
      item("Mill reopens with 120 jobs", "http://gazette.example.net/business/mill-reopens.html", "2026-02-27T22:45:00Z", "The plant had been shut since 2024."),
      item("Credit union opens branch on Main St", "http://gazette.example.net/business/credit-union.html", "2026-02-26T15:00:00Z", null),
    ]));
  });

  it("accepts a namespace-prefixed Atom feed (<a:feed>, <a:entry>)", async () => {
    expect(await ingest("atom-prefixed.xml")).toEqual(byTitle([
      item("Oracle shares climb on cloud backlog", "https://ledger.example.com/2026/oracle-backlog", "2026-03-02T08:30:00Z", "Remaining performance obligations hit a record.", ["ORCL"]),
      item("Bond desks brace for payrolls", "https://ledger.example.com/2026/payrolls", "2026-03-01T18:00:00Z", "Economists expect 150,000 jobs."),
    ]));
  });

  it("resolves relative links against xml:base on the entry, then the feed, then the feed's URL", async () => {
    expect(await ingest("xml-base-atom.xml")).toEqual(byTitle([
      item("Feed base only", "https://blog.example.org/markets/2026/03/feed-base", "2026-03-03T10:00:00Z", null),
      item("Entry base replaces the path", "https://blog.example.org/archive/2026/entry-base", "2026-03-03T11:00:00Z", null),
      item("Absolute entry base on another host", "https://mirror.example.net/other-host", "2026-03-03T12:00:00Z", null),
      item("An absolute link ignores every base", "https://wire.example.com/absolute", "2026-03-03T12:30:00Z", null),
    ]));
    expect(await ingest("xml-base-rss.xml")).toEqual(byTitle([
      item("Channel base", "https://news.example.com/section/story-1.html", "2026-03-03T07:00:00Z", null),
      item("Item base relative to the channel's", "https://news.example.com/section/deep/story-2.html?id=2", "2026-03-03T07:30:00Z", null),
    ]));
    expect(await ingest("rss-no-channel-base.xml")).toEqual([item("Relative to the feed URL", `${base}/stories/relative.html`, "2026-03-03T06:00:00Z", null)]);
  });

  it("reads summaries found only in dc:description, media:description or itunes:summary, after the description", async () => {
    expect(await ingest("namespaced-summaries.xml")).toEqual(byTitle([
      item("Only dc:description", "https://minute.example.com/dc", "2026-03-03T13:00:00Z", "Futures point higher & yields ease."),
      item("Only media:description in a media:group", "https://minute.example.com/media-group", "2026-03-03T13:05:00Z", "Two-minute clip on oil inventories."),
      item("Only media:description on the item", "https://minute.example.com/media-item", "2026-03-03T13:10:00Z", "Chart of the day: copper."),
      item("Only itunes:summary", "https://minute.example.com/podcast-42", "2026-03-03T13:15:00Z", "Episode 42: what the Fed minutes did not say."),
      item("Description wins over itunes:summary", "https://minute.example.com/podcast-43", "2026-03-03T13:20:00Z", "The show notes."),
      item("media:description on a media:content", "https://minute.example.com/media-content", "2026-03-03T13:25:00Z", "Gold bars in a vault."),
    ]));
  });

  it("ingests an empty RSS feed, with or without a channel, as zero items and no error", async () => {
    for (const file of ["empty-channel.xml", "empty-rss.xml"]) {
      const result = await ingestNews({ news: new NewsRepository(db.dataSource), fetchFeed, log: { info: () => undefined, warn: (fields) => expect.fail(JSON.stringify(fields)) } }, [`${base}/${file}`]);
      expect(result).toEqual({ feeds: 1, failed: [], items: 0, inserted: 0 });
    }
  });

  it("parses RFC 822, ISO 8601 and dc:date dates; an item with no readable date, or one dated in the future, gets the fetch time", async () => {
    const fetched = FETCHED_AT.toISOString();
    expect(Object.fromEntries((await ingest("dates-rss.xml")).map((i) => [i.title, i.published]))).toEqual({
      "RFC 822 GMT": "2026-03-03T09:30:00.000Z",
      "RFC 822 numeric offset, no weekday": "2026-03-03T14:30:00.000Z",
      "RFC 822 EST, one-digit day and hour": "2026-03-03T14:30:00.000Z",
      "RFC 822 two-digit year": "2026-03-03T09:30:00.000Z",
      "RFC 822 CET": "2026-03-03T08:30:00.000Z",
      "dc:date with an offset": "2026-03-03T00:30:00.000Z",
      "dc:date without a zone is UTC": "2026-03-03T09:30:00.000Z",
      "dc:date a day only": "2026-03-02T00:00:00.000Z",
      "No date at all": fetched,
      "Unreadable date": fetched,
      "Far in the future": fetched,
    });
    // An unreadable <published> used to throw inside rss-parser and lose the whole feed.
    expect(Object.fromEntries((await ingest("dates-atom.xml")).map((i) => [i.title, i.published]))).toEqual({
      "Published wins over updated": "2026-03-03T16:00:00.000Z",
      "Updated only, fractional seconds": "2026-03-03T10:15:30.250Z",
      "Unreadable published, readable updated": "2026-03-02T22:00:00.000Z",
      "No date": fetched,
    });
  });
});
