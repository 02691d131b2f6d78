import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NewsRepository } from "../../src/adapters/db/repositories/news-repository.js";
import { createFeedFetcher, fetchFeed, type FetchFeedOptions } from "../../src/adapters/news/fetch-feed.js";
import { feedLabel, ingestNews, type IngestLog } from "../../src/app/news/ingest-news.js";
import type { FeedResult } from "../../src/app/ports/news-feed.js";
import { parseWatchlist } from "../../src/domain/news-tagging.js";
import { newsIngestJob } from "../../jobs/news-ingest.js";
import { useTestDatabase } from "../support/database.js";

const db = useTestDatabase();

const FETCHED_AT = new Date("2026-03-04T00:00:00Z");
const clock = { now: () => FETCHED_AT };
const watchlist = parseWatchlist([
  "NVDA:Nvidia|NVIDIA Corp",
  "ORCL:Oracle",
  "AAPL",
  "F:Ford Motor",
  "NSRGY:Nestlé",
  "TM:トヨタ自動車|Toyota",
  "SONY:ソニーグループ|Sony",
]);
const options: FetchFeedOptions = { watchlist, clock };

const fixture = (name: string) => readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url));
const FIXTURES: Record<string, { file: string; type: string }> = {
  "/markets.xml": { file: "markets-rss2.xml", type: "application/rss+xml; charset=utf-8" },
  "/tech.atom": { file: "tech-atom.xml", type: "application/atom+xml" },
  "/economy.rdf": { file: "economy-rdf.xml", type: "application/rdf+xml" },
  "/europe.xml": { file: "europe-windows1252.xml", type: "application/rss+xml" },
  // A server that labels everything UTF-8: the prolog's windows-1252 must still win.
  "/europe-mislabelled.xml": { file: "europe-windows1252.xml", type: "text/xml; charset=UTF-8" },
  "/tokyo.xml": { file: "tokyo-shift_jis.xml", type: "text/xml; charset=Shift_JIS" },
  "/broken.xml": { file: "broken.xml", type: "application/rss+xml" },
};

const HUGE_BYTES = 50 * 1024 * 1024;
const CHUNK = Buffer.from(`<item><title>${"x".repeat(16_000)}</title></item>\n`.repeat(4));

/** What the hostile endpoints saw: bytes they managed to send, and whether the client hung up first. */
const huge = { sent: 0, closedEarly: false, finished: false };
const hanging = new Set<ServerResponse>();

let server: Server;
let base: string;
let refusedUrl: string;

function freshFeed(name: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Fresh ${name}</title>
<item><title>Survivor ${name}: Oracle keeps going</title><link>https://fresh.example.com/${name}</link>
<pubDate>Wed, 04 Mar 2026 09:00:00 GMT</pubDate></item>
</channel></rss>`;
}

async function streamHuge(res: ServerResponse): Promise<void> {
  Object.assign(huge, { sent: 0, closedEarly: false, finished: false });
  res.on("close", () => {
    if (!huge.finished) huge.closedEarly = true;
  });
  res.writeHead(200, { "content-type": "application/rss+xml" });
  res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Endless</title>');
  while (huge.sent < HUGE_BYTES && !res.destroyed) {
    huge.sent += CHUNK.byteLength;
    if (!res.write(CHUNK)) {
      await new Promise<void>((resolve) => {
        const go = () => {
          res.off("drain", go).off("close", go);
          resolve();
        };
        res.on("drain", go).on("close", go);
      });
    }
  }
  if (!res.destroyed) {
    huge.finished = true;
    res.end("</channel></rss>");
  }
}

function route(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  const known = FIXTURES[path];
  if (known) {
    res.writeHead(200, { "content-type": known.type }).end(fixture(known.file));
  } else if (path.startsWith("/fresh/")) {
    res.writeHead(200, { "content-type": "application/rss+xml" }).end(freshFeed(path.slice("/fresh/".length)));
  } else if (path === "/huge.xml") {
    void streamHuge(res);
  } else if (path === "/huge-declared.xml") {
    res.writeHead(200, { "content-type": "application/rss+xml", "content-length": String(HUGE_BYTES) });
    res.write("<rss>");
    hanging.add(res);
  } else if (path === "/silent.xml") {
    hanging.add(res); // accepts the connection, never answers
  } else if (path === "/trickle.xml") {
    res.writeHead(200, { "content-type": "application/rss+xml" });
    const timer = setInterval(() => res.write(" "), 50);
    res.on("close", () => clearInterval(timer));
  } else if (path === "/error.xml") {
    res.writeHead(500, { "content-type": "text/plain" }).end("internal error");
  } else if (path === "/page.html") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<!doctype html><html><body><p>Not a feed</p></body></html>");
  } else {
    res.writeHead(404).end();
  }
}

beforeAll(async () => {
  server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port nothing listens on: bind one, then close it again.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  refusedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/feed.xml`;
  await new Promise((resolve) => closed.close(resolve));
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function ok(result: FeedResult) {
  if (!result.ok) throw new Error(`expected ${result.feed} to parse, got ${result.reason}: ${result.detail}`);
  return result.items;
}

function recordingLog(): IngestLog & { warnings: object[] } {
  const warnings: object[] = [];
  return { warnings, info: () => undefined, warn: (fields) => warnings.push(fields) };
}

async function countWhere(sql: string, values: unknown[]): Promise<number> {
  const [row] = await db.dataSource.query(`SELECT count(*)::int AS n FROM news_articles WHERE ${sql}`, values);
  return row.n;
}

describe("fetchFeed: formats", () => {
  it("reads an RSS 2.0 feed: trimmed titles, resolved links, dates, summaries and tickers; skips items without a title or link", async () => {
    const items = ok(await fetchFeed(`${base}/markets.xml`, options));
    expect(items.map((i) => i.title)).toEqual([
      "Nvidia beats estimates as data-center revenue doubles",
      "Oracle shares slide after cloud guidance",
      "Fed minutes: officials see two cuts this year",
      "Berkshire Hathaway adds to $BRK.B buyback",
      "Apple supplier warns on iPhone demand",
    ]);
    const [nvidia, oracle, fed, berkshire, apple] = items;
    expect(nvidia).toEqual({
      title: "Nvidia beats estimates as data-center revenue doubles",
      url: "https://wire.example.com/markets/2026/03/03/nvidia-beats-estimates",
      source: "Desk Wire: Markets",
      summary: "$NVDA shares rose 8% after hours. Revenue of $39.3B topped the $38.1B consensus; Oracle & Microsoft remain the largest cloud buyers.",
      tickers: ["NVDA", "ORCL"],
      publishedAt: new Date("2026-03-03T14:30:00Z"),
    });
    expect(oracle).toMatchObject({ tickers: ["AMZN", "MSFT", "ORCL"], publishedAt: new Date("2026-03-03T14:30:00Z") });
    // No date: the fetch time. "AI"/"ai" are not watchlist words here, and no cashtag.
    expect(fed).toMatchObject({ tickers: [], publishedAt: FETCHED_AT });
    // A relative link resolves against the feed's URL; no description is a null summary.
    expect(berkshire).toMatchObject({ url: `${base}/markets/2026/03/02/berkshire-buyback`, summary: null, tickers: ["BRK.B"] });
    // No link but a URL guid; an unparseable date is the fetch time.
    expect(apple).toMatchObject({ url: "https://wire.example.com/markets/2026/03/02/apple-supplier", publishedAt: FETCHED_AT, tickers: ["AAPL"] });
  });

  it("reads an Atom feed: alternate link, HTML summary as text, category terms, updated as the date", async () => {
    const items = ok(await fetchFeed(`${base}/tech.atom`, options));
    expect(items.map((i) => [i.title, i.url, i.source, i.publishedAt.toISOString(), i.tickers])).toEqual([
      ["NVIDIA Corp unveils next-generation accelerator", "https://circuit.example.org/2026/03/nvidia-accelerator", "Circuit Notes", "2026-03-03T12:00:00.000Z", ["NVDA"]],
      [
        "Oracle shares slide after cloud guidance",
        "https://wire.example.com/markets/2026/03/03/oracle-slides/?utm_source=circuit&utm_campaign=syndication#top",
        "Circuit Notes",
        "2026-03-03T14:31:00.000Z",
        ["ORCL"],
      ],
      ["Dated only by its update", "https://circuit.example.org/2026/03/updated-only", "Circuit Notes", "2026-02-28T23:00:00.000Z", ["AAPL"]],
    ]);
    expect(items[0]?.summary).toBe("The chip ships in Q3; AMD & Intel respond.");
  });

  it("reads an RSS 1.0 (RDF) feed", async () => {
    expect(ok(await fetchFeed(`${base}/economy.rdf`, options))).toEqual([
      {
        title: "Ford Motor raises dividend",
        url: "https://econ.example.net/briefs/42",
        source: "Econ Briefs",
        summary: "The carmaker lifts its payout; $F up 2%.",
        tickers: ["F"],
        publishedAt: new Date("2026-03-02T13:00:00Z"),
      },
    ]);
  });
});

describe("fetchFeed: encodings", () => {
  const europe = [
    {
      title: "Nestlé hebt Prognose an – „starkes Quartal“ für Café-Sparte",
      summary: "Der Konzern erwartet “robuste” Margen; die Aktie stieg um 2 % auf 92,50 €. Analysten von Société Générale sind zurückhaltend – ‘noch’.",
      source: "Börsen-Brief Zürich",
      tickers: ["NSRGY"],
    },
    { title: "Übernahme: Oracle kauft Zürcher Software-Firma für 1,2 Mrd. €", summary: "Straße, Größe, Maß — alles ist dabei.", source: "Börsen-Brief Zürich", tickers: ["ORCL"] },
  ];

  it("decodes windows-1252 declared in the XML prolog: accents, curly quotes, dashes and the euro sign", async () => {
    expect(ok(await fetchFeed(`${base}/europe.xml`, options))).toMatchObject(europe);
  });

  it("lets the prolog win over a Content-Type that calls invalid UTF-8 bytes UTF-8", async () => {
    expect(ok(await fetchFeed(`${base}/europe-mislabelled.xml`, options))).toMatchObject(europe);
  });

  it("decodes Shift_JIS declared only in the Content-Type header", async () => {
    const items = ok(await fetchFeed(`${base}/tokyo.xml`, options));
    expect(items.map((i) => [i.title, i.summary, i.source, i.tickers, i.publishedAt.toISOString()])).toEqual([
      ["トヨタ自動車、通期見通しを上方修正 円安が追い風", "「ＥＶ」販売も好調。米国預託証券 $TM は時間外で３％高。", "東京マーケット速報", ["TM"], "2026-03-03T06:30:00.000Z"],
      ["ソニーグループ、半導体事業の分社化を検討", "関係者によると、年内にも決定する見通し。", "東京マーケット速報", ["SONY"], "2026-03-03T03:00:00.000Z"],
    ]);
  });
});

describe("fetchFeed: broken and hostile feeds", () => {
  it("reports malformed XML and a page that is not a feed as bad_xml", async () => {
    expect(await fetchFeed(`${base}/broken.xml`, options)).toMatchObject({ ok: false, reason: "bad_xml", detail: expect.stringMatching(/Unexpected close tag/) });
    expect(await fetchFeed(`${base}/page.html`, options)).toMatchObject({ ok: false, reason: "bad_xml", detail: "Feed not recognized as RSS 1 or 2." });
  });

  it("stops reading a streamed 50 MB body at the limit and drops the connection", async () => {
    const started = performance.now();
    const result = await fetchFeed(`${base}/huge.xml`, options);
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ ok: false, reason: "too_large", detail: "body is over the 5242880-byte limit" });
    await vi.waitFor(() => expect(huge.closedEarly).toBe(true));
    // The server could hand over the 5 MB plus what the socket buffers held (about 5.5 MB in
    // all on Linux loopback), never the 50 MB.
    expect(huge.sent).toBeLessThan(16 * 1024 * 1024);
    expect(huge.finished).toBe(false);
    expect(elapsed).toBeLessThan(5_000);
  });

  it("refuses a body whose Content-Length is over the limit before reading it", async () => {
    const result = await fetchFeed(`${base}/huge-declared.xml`, { ...options, maxBytes: 1024 * 1024 });
    expect(result).toMatchObject({ ok: false, reason: "too_large", detail: `Content-Length ${HUGE_BYTES} bytes is over the 1048576-byte limit` });
  });

  it("gives up on a server that never answers, or trickles bytes, at the timeout", async () => {
    for (const path of ["/silent.xml", "/trickle.xml"]) {
      const started = performance.now();
      const result = await fetchFeed(`${base}${path}`, { ...options, timeoutMs: 300 });
      const elapsed = performance.now() - started;
      expect(result).toMatchObject({ ok: false, reason: "timeout", detail: "no complete answer within 300 ms" });
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(2_000);
    }
  });

  it("reports a non-2xx status and a refused connection", async () => {
    expect(await fetchFeed(`${base}/error.xml`, options)).toEqual({ ok: false, feed: `${base}/error.xml`, reason: "http_status", detail: "HTTP 500 Internal Server Error" });
    expect(await fetchFeed(`${base}/missing.xml`, options)).toMatchObject({ ok: false, reason: "http_status", detail: "HTTP 404 Not Found" });
    expect(await fetchFeed(refusedUrl, options)).toMatchObject({ ok: false, reason: "network", detail: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe("ingestNews", () => {
  it("stores RSS, Atom, RSS 1.0 and non-UTF-8 feeds in one batch; an article in two feeds goes in once", async () => {
    const news = new NewsRepository(db.dataSource);
    const insertBatch = vi.spyOn(news, "insertBatch");
    const feeds = ["/markets.xml", "/tech.atom", "/economy.rdf", "/europe.xml", "/tokyo.xml"].map((p) => `${base}${p}`);
    const log = recordingLog();
    const result = await ingestNews({ news, fetchFeed: createFeedFetcher(options), log }, feeds);
    // 5 + 3 + 1 + 2 + 2 parsed; the Oracle story (utm parameters, a trailing slash and an
    // upper-case host in the Atom copy) is the same article as in the RSS feed.
    expect(result).toEqual({ feeds: 5, failed: [], items: 13, inserted: 12 });
    expect(insertBatch).toHaveBeenCalledTimes(1);
    expect(log.warnings).toEqual([]);
    expect(await countWhere("title ILIKE 'oracle shares slide%'", [])).toBe(1);
    const [oracle] = await new NewsRepository(db.dataSource).recentForTicker("ORCL", 10).then((a) => a.filter((x) => x.title.startsWith("Oracle shares")));
    expect(oracle).toMatchObject({ source: "Desk Wire: Markets", tickers: ["AMZN", "MSFT", "ORCL"] });
    const [nestle] = await news.recentForTicker("NSRGY", 1);
    expect(nestle?.title).toBe("Nestlé hebt Prognose an – „starkes Quartal“ für Café-Sparte");
    const [toyota] = await news.recentForTicker("TM", 1);
    expect(toyota?.title).toBe("トヨタ自動車、通期見通しを上方修正 円安が追い風");

    // The next round finds nothing new.
    expect(await ingestNews({ news, fetchFeed: createFeedFetcher(options), log }, feeds)).toEqual({ feeds: 5, failed: [], items: 13, inserted: 0 });
  });

  it.each([
    ["bad XML", "/broken.xml", {}, "bad_xml"],
    ["a streamed 50 MB body", "/huge.xml", {}, "too_large"],
    ["a server that never answers", "/silent.xml", { timeoutMs: 300 }, "timeout"],
    ["a server that trickles bytes", "/trickle.xml", { timeoutMs: 300 }, "timeout"],
    ["HTTP 500", "/error.xml", {}, "http_status"],
    ["a refused connection", "", {}, "network"],
  ] as const)("logs and skips %s while the other feeds' articles go in", async (name, path, limits, reason) => {
    const news = new NewsRepository(db.dataSource);
    const slug = `${reason}-${path.replace(/\W/g, "") || "refused"}`;
    const hostile = path ? `${base}${path}` : refusedUrl;
    const feeds = [`${base}/fresh/${slug}-a`, hostile, `${base}/fresh/${slug}-b`];
    const log = recordingLog();
    const started = performance.now();
    const result = await ingestNews({ news, fetchFeed: createFeedFetcher({ ...options, ...limits }), log }, feeds);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result).toMatchObject({ feeds: 3, items: 2, inserted: 2, failed: [{ feed: hostile, reason }] });
    expect(log.warnings).toEqual([{ feed: hostile, reason, detail: result.failed[0]?.detail }]);
    expect(await countWhere("url LIKE $1", [`https://fresh.example.com/${slug}-%`])).toBe(2);
  });

  it("fetches at most four feeds at a time, and a throwing fetcher costs only its feed", async () => {
    let inFlight = 0;
    let most = 0;
    const fetcher = async (url: string): Promise<FeedResult> => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight -= 1;
      if (url.endsWith("/3")) throw new Error("fetcher bug");
      return { ok: true, feed: url, items: [] };
    };
    const insertBatch = vi.fn(async () => 0);
    const news = { insertBatch } as unknown as NewsRepository;
    const feeds = Array.from({ length: 10 }, (_, i) => `https://feeds.example.com/${i}`);
    const result = await ingestNews({ news, fetchFeed: fetcher, log: recordingLog() }, feeds);
    expect(most).toBe(4);
    expect(result).toEqual({ feeds: 10, failed: [{ feed: "https://feeds.example.com/3", reason: "network", detail: "fetcher bug" }], items: 0, inserted: 0 });
    expect(insertBatch).not.toHaveBeenCalled();
  });

  it("keeps credentials and query strings out of logged feed names", () => {
    expect(feedLabel("https://user:secret@feeds.example.com/private.xml?key=abc#x")).toBe("https://feeds.example.com/private.xml?…");
    expect(feedLabel("https://feeds.example.com/a.xml#top")).toBe("https://feeds.example.com/a.xml");
    expect(feedLabel("https://feeds.example.com/a.xml")).toBe("https://feeds.example.com/a.xml");
  });
});

describe("news-ingest job", () => {
  it("is scheduled by cron in the given time zone, takes an empty payload, and ingests the configured feeds", async () => {
    const news = new NewsRepository(db.dataSource);
    const feeds = [`${base}/fresh/job-a`, `${base}/error.xml`];
    const job = newsIngestJob({ news, fetchFeed: createFeedFetcher(options), log: recordingLog(), feeds }, "*/5 * * * *", "America/New_York");
    expect(job.name).toBe("news-ingest");
    expect(job.schedule).toEqual({ pattern: "*/5 * * * *", tz: "America/New_York" });
    expect(job.payload.safeParse({}).success).toBe(true);
    expect(job.payload.safeParse({ extra: 1 }).success).toBe(false);
    expect(await job.process({})).toEqual({ feeds: 2, failed: [{ feed: `${base}/error.xml`, reason: "http_status", detail: "HTTP 500 Internal Server Error" }], items: 1, inserted: 1 });
    const idle = newsIngestJob({ news, fetchFeed: createFeedFetcher(options), log: recordingLog(), feeds: [] }, "*/5 * * * *", "UTC");
    expect(await idle.process({})).toEqual({ feeds: 0, failed: [], items: 0, inserted: 0 });
  });
});
