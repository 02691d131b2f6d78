/**
 * News ingest benchmark: `npm run bench:news`.
 *
 * 40 generated feeds x 500 items (every fourth one Atom, the rest RSS 2.0; summaries with
 * cashtags, amounts and company names; one item in ten a wire story syndicated by several
 * feeds with its own utm parameters) served from memory over local HTTP, tagged against a
 * 200-company watchlist. Measures:
 *   [1] parse only: feed text -> articles (rss-parser, mapping, tagging), per feed and in total;
 *   [2] tagging alone, to show its share;
 *   [3] end to end, fresh: ingestNews (fetch 4 at a time, decode, parse, tag, one insertBatch)
 *       into PostgreSQL, where every article is new;
 *   [4] end to end, repeat: the same feeds again, where nothing is new (the usual 5-minute round).
 *
 * Knobs (env): BENCH_DATABASE_URL, BENCH_KEEP_DB=1 (see bench/harness.ts).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { NewsRepository } from "../src/adapters/db/repositories/news-repository.js";
import { createFeedFetcher, decodeFeed, parseFeed } from "../src/adapters/news/fetch-feed.js";
import { ingestNews, type IngestNewsResult } from "../src/app/news/ingest-news.js";
import type { FeedFetcher } from "../src/app/ports/news-feed.js";
import type { NewsStore } from "../src/app/ports/news-store.js";
import { parseWatchlist, tagTickers, type WatchlistEntry } from "../src/domain/news-tagging.js";
import { rng } from "./fixtures.js";
import { describeServer, Results, runBenchmark, say, settle, withBenchDatabase, type BenchContext } from "./harness.js";
import { check, formatInt, formatMs, formatRate, formatSummary, msSince, summarize } from "./stats.js";

const DATABASE = "warroom_bench_news";
const FEEDS = 40;
const ITEMS = 500;
const COMPANIES = 200;
/** Distinct wire stories the syndicated items are drawn from. */
const WIRE_STORIES = 600;
const PARSE_ROUNDS = 5;
const E2E_ROUNDS = 3;

const TARGET = {
  /** Parsing is synchronous: a 500-item feed within 50 ms keeps the worker's event loop responsive. */
  parseItemsPerSecond: 10_000,
  /** A whole 40 x 500 round, every article new, within 5 s: 1/60 of its 5-minute slot. */
  roundMs: 5_000,
  e2eFreshItemsPerSecond: (FEEDS * ITEMS) / 5,
};

const results = new Results();
const record = results.record.bind(results);
const silent = { info: () => undefined, warn: () => undefined };

const PREFIXES = ["Alder", "Birch", "Cobalt", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris", "Juniper", "Kestrel", "Lumen", "Meridian", "Nimbus", "Onyx", "Pioneer", "Quarry", "Redwood", "Summit", "Tidal"];
const SUFFIXES = ["Dynamics", "Systems", "Holdings", "Semiconductor", "Pharma", "Energy", "Logistics", "Software", "Foods", "Motors"];
const VERBS = ["beats", "misses", "raises", "cuts", "reaffirms", "delays", "announces", "expands", "halts", "resumes"];
const NOUNS = ["guidance", "quarterly earnings", "dividend", "buyback", "product launch", "outlook", "capex plan", "margin target"];
const FILLER =
  "Analysts said the move was broadly in line with expectations, although volumes in the options market pointed to a wider range of outcomes than the consensus implied; the AI build-out and a $5M settlement were also discussed.";

interface Company {
  ticker: string;
  name: string;
}

function companies(): Company[] {
  return Array.from({ length: COMPANIES }, (_, i) => ({
    ticker: `${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26) % 26)}X${i % 10}`,
    name: `${PREFIXES[i % PREFIXES.length]} ${SUFFIXES[Math.floor(i / PREFIXES.length) % SUFFIXES.length]}`,
  }));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

interface Story {
  title: string;
  url: string;
  summary: string;
  date: Date;
}

function story(random: () => number, list: Company[], id: string, base: Date): Story {
  const a = list[Math.floor(random() * list.length)] as Company;
  const b = list[Math.floor(random() * list.length)] as Company;
  const verb = VERBS[Math.floor(random() * VERBS.length)];
  const noun = NOUNS[Math.floor(random() * NOUNS.length)];
  const style = random();
  const title = style < 0.4 ? `${a.name} ${verb} ${noun}` : style < 0.7 ? `$${a.ticker} ${verb} ${noun} as ${b.name} watches` : `Markets: ${verb} ${noun} across the sector`;
  const summary = `${a.name} (${a.ticker}) said on Tuesday it ${verb} its ${noun}; shares of $${b.ticker} moved ${(random() * 8).toFixed(1)}%. ${FILLER}`;
  return { title, url: `https://news.example.com/${id}`, summary, date: new Date(base.getTime() - Math.floor(random() * 7 * 86_400_000)) };
}

/** Every tenth item of a feed is a wire story; feeds share them (37 is coprime with WIRE_STORIES). */
function wireIndex(feed: number, item: number): number | null {
  return item % 10 === 0 ? (feed * 37 + item) % WIRE_STORIES : null;
}

/** Articles a round holds once syndicated copies count once. */
function distinctArticles(): number {
  const wire = new Set<number>();
  let own = 0;
  for (let f = 0; f < FEEDS; f += 1) {
    for (let i = 0; i < ITEMS; i += 1) {
      const w = wireIndex(f, i);
      if (w === null) own += 1;
      else wire.add(w);
    }
  }
  return own + wire.size;
}

/** One feed's document; `round` makes every round's articles new. */
function feedXml(feed: number, round: number, list: Company[], wire: Story[]): string {
  const random = rng(1_000 * round + feed + 1);
  const base = new Date(Date.UTC(2026, 2, 3, 16));
  const stories: Story[] = [];
  for (let i = 0; i < ITEMS; i += 1) {
    const w = wireIndex(feed, i);
    if (w !== null) {
      const s = wire[w] as Story;
      stories.push({ ...s, url: `${s.url}?utm_source=feed${feed}&utm_medium=rss` });
    } else {
      stories.push(story(random, list, `r${round}/f${feed}/${i}`, base));
    }
  }
  if (feed % 4 === 3) {
    const entries = stories
      .map(
        (s, i) =>
          `<entry><title>${escapeXml(s.title)}</title><link rel="alternate" href="${escapeXml(s.url)}"/><id>tag:feed${feed},2026:${i}</id>` +
          `<updated>${s.date.toISOString()}</updated><summary type="html">${escapeXml(`<p>${escapeXml(s.summary)}</p>`)}</summary></entry>`,
      )
      .join("\n");
    return `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Bench Atom ${feed}</title><id>tag:feed${feed}</id><updated>2026-03-03T16:00:00Z</updated>\n${entries}\n</feed>`;
  }
  const items = stories
    .map(
      (s) =>
        `<item><title>${escapeXml(s.title)}</title><link>${escapeXml(s.url)}</link><guid>${escapeXml(s.url)}</guid>` +
        `<pubDate>${s.date.toUTCString()}</pubDate><category>Markets</category><description><![CDATA[<p>${s.summary}</p>]]></description></item>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Bench Wire ${feed}</title><link>https://bench.example.com/${feed}</link><description>bench</description>\n${items}\n</channel></rss>`;
}

function feedsForRound(round: number, list: Company[]): Buffer[] {
  const random = rng(round + 7);
  const wire = Array.from({ length: WIRE_STORIES }, (_, i) => story(random, list, `r${round}/wire/${i}`, new Date(Date.UTC(2026, 2, 3, 16))));
  return Array.from({ length: FEEDS }, (_, f) => Buffer.from(feedXml(f, round, list, wire)));
}

async function run({ dataSource, pool }: BenchContext): Promise<void> {
  say(await describeServer(pool));
  const list = companies();
  const watchlist: WatchlistEntry[] = parseWatchlist(list.map((c) => `${c.ticker}:${c.name}`));
  const fetchedAt = new Date(Date.UTC(2026, 2, 4));
  let t = process.hrtime.bigint();
  const rounds = Array.from({ length: E2E_ROUNDS + 1 }, (_, r) => feedsForRound(r, list));
  const bytes = (rounds[0] ?? []).reduce((n, b) => n + b.byteLength, 0);
  say(`\ngenerated ${E2E_ROUNDS + 1} rounds of ${FEEDS} feeds x ${ITEMS} items (${(bytes / 1024 / 1024).toFixed(1)} MB per round) in ${formatMs(msSince(t))}; watchlist of ${COMPANIES} companies`);

  // [1] Parse only.
  const texts = (rounds[0] ?? []).map((b) => decodeFeed(b, "application/xml"));
  const context = (feed: number) => ({ feedUrl: `http://127.0.0.1/feed/${feed}`, fetchedAt, watchlist });
  for (let i = 0; i < 3; i += 1) await parseFeed(texts[i] as string, context(i)); // warm-up
  const perFeed: number[] = [];
  const perFeedRss: number[] = [];
  const perFeedAtom: number[] = [];
  let parsedItems = 0;
  let tagged = 0;
  t = process.hrtime.bigint();
  for (let r = 0; r < PARSE_ROUNDS; r += 1) {
    for (let f = 0; f < FEEDS; f += 1) {
      const c = process.hrtime.bigint();
      const items = await parseFeed(texts[f] as string, context(f));
      const ms = msSince(c);
      perFeed.push(ms);
      (f % 4 === 3 ? perFeedAtom : perFeedRss).push(ms);
      parsedItems += items.length;
      tagged += items.filter((a) => a.tickers.length > 0).length;
    }
  }
  const parseMs = msSince(t);
  const parseRate = (parsedItems / parseMs) * 1000;
  if (parsedItems !== PARSE_ROUNDS * FEEDS * ITEMS) throw new Error(`parsed ${parsedItems} items, expected ${PARSE_ROUNDS * FEEDS * ITEMS}`);
  say(`\n[1] parse only (decoded text -> articles, tagging included): ${PARSE_ROUNDS} passes over ${FEEDS} feeds`);
  say(`    ${formatInt(parsedItems)} items in ${formatMs(parseMs)} -> ${formatRate(parseRate, "items")}; ${((tagged / parsedItems) * 100).toFixed(0)}% tagged`);
  say(`    per ${ITEMS}-item feed, all:  ${formatSummary(summarize(perFeed))}`);
  say(`    RSS 2.0 feeds:              ${formatSummary(summarize(perFeedRss))}`);
  say(`    Atom feeds:                 ${formatSummary(summarize(perFeedAtom))}`);
  record("parse only (rss-parser + map + tag)", formatRate(parseRate, "items"), `>= ${formatRate(TARGET.parseItemsPerSecond, "items")}`, check(parseRate, ">=", TARGET.parseItemsPerSecond));
  record(`  per ${ITEMS}-item feed p50 / p95`, `${formatMs(summarize(perFeed).p50)} / ${formatMs(summarize(perFeed).p95)}`, "-", "info");

  // [2] Tagging alone.
  const sample = (await Promise.all(texts.map((x, f) => parseFeed(x, context(f))))).flat();
  const tagTexts = sample.map((a) => `${a.title}\n${a.summary ?? ""}`);
  for (const x of tagTexts.slice(0, 1000)) tagTickers(x, watchlist);
  t = process.hrtime.bigint();
  let tags = 0;
  for (const x of tagTexts) tags += tagTickers(x, watchlist).length;
  const tagMs = msSince(t);
  const tagRate = (tagTexts.length / tagMs) * 1000;
  say(`\n[2] tagTickers alone: ${formatInt(tagTexts.length)} title+summary texts in ${formatMs(tagMs)} -> ${formatRate(tagRate, "items")} (${(tags / tagTexts.length).toFixed(2)} tickers/item, ${COMPANIES} companies)`);
  record("tagTickers alone", formatRate(tagRate, "items"), "-", "info");

  // [3] and [4] End to end over local HTTP into PostgreSQL.
  let served = rounds[1] ?? [];
  const server = createServer((req, res) => {
    const feed = Number((req.url ?? "").split("/").pop());
    const body = served[feed];
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8", "content-length": body.byteLength }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const urls = Array.from({ length: FEEDS }, (_, f) => `${base}/feed/${f}`);
  try {
    const repository = new NewsRepository(dataSource);
    const fetchMs: number[] = [];
    const insertMs: number[] = [];
    const fetcher = createFeedFetcher({ watchlist, clock: { now: () => fetchedAt } });
    const timedFetch: FeedFetcher = async (url) => {
      const c = process.hrtime.bigint();
      const result = await fetcher(url);
      fetchMs.push(msSince(c));
      return result;
    };
    const news: NewsStore = {
      recentForTicker: (ticker, limit) => repository.recentForTicker(ticker, limit),
      processedBetween: (from, to, limit) => repository.processedBetween(from, to, limit),
      markProcessed: (items, at) => repository.markProcessed(items, at),
      insertBatch: async (articles) => {
        const c = process.hrtime.bigint();
        const n = await repository.insertBatch(articles);
        insertMs.push(msSince(c));
        return n;
      },
    };
    const round = async (): Promise<{ ms: number; result: IngestNewsResult }> => {
      const c = process.hrtime.bigint();
      const result = await ingestNews({ news, fetchFeed: timedFetch, log: silent }, urls);
      if (result.failed.length > 0) throw new Error(`feeds failed: ${JSON.stringify(result.failed)}`);
      return { ms: msSince(c), result };
    };

    say(`\n[3] end to end, fresh: ingestNews over local HTTP (4 feeds at a time) into PostgreSQL, ${E2E_ROUNDS} rounds of new articles`);
    const fresh: number[] = [];
    const freshRate: number[] = [];
    for (let r = 1; r <= E2E_ROUNDS; r += 1) {
      served = rounds[r] ?? [];
      const { ms, result } = await round();
      fresh.push(ms);
      freshRate.push((result.items / ms) * 1000);
      say(`    round ${r}: ${formatInt(result.items)} items, ${formatInt(result.inserted)} inserted in ${formatMs(ms)} -> ${formatRate((result.items / ms) * 1000, "items")} (insertBatch ${formatMs(insertMs.at(-1) ?? 0)})`);
      const expected = distinctArticles();
      if (result.inserted !== expected) throw new Error(`round ${r} inserted ${result.inserted}, expected ${expected} (syndicated copies once)`);
    }
    const freshFetch = summarize(fetchMs);
    say(`    per feed fetch+decode+parse+tag: ${formatSummary(freshFetch)}`);
    say(`    insertBatch per round: ${formatSummary(summarize(insertMs))}`);
    const freshMedianRate = summarize(freshRate).p50;
    const freshWorst = summarize(fresh).max;
    record("end to end, fresh (fetch+parse+tag+insert)", formatRate(freshMedianRate, "items"), `>= ${formatRate(TARGET.e2eFreshItemsPerSecond, "items")}`, check(freshMedianRate, ">=", TARGET.e2eFreshItemsPerSecond));
    record(`  one ${FEEDS} x ${ITEMS} round, slowest`, formatMs(freshWorst), `<= ${formatMs(TARGET.roundMs)}`, check(freshWorst, "<=", TARGET.roundMs));
    record("  per feed p50 / p95", `${formatMs(freshFetch.p50)} / ${formatMs(freshFetch.p95)}`, "-", "info");
    record("  insertBatch per round p50", formatMs(summarize(insertMs).p50), "-", "info");

    await settle(pool, "news_articles, news_article_tickers");
    say(`\n[4] end to end, repeat: the last round's feeds again (nothing new), ${E2E_ROUNDS} rounds`);
    fetchMs.length = 0;
    insertMs.length = 0;
    const repeat: number[] = [];
    for (let r = 1; r <= E2E_ROUNDS; r += 1) {
      const { ms, result } = await round();
      repeat.push(ms);
      if (result.inserted !== 0) throw new Error(`a repeated round inserted ${result.inserted}`);
      say(`    round ${r}: ${formatInt(result.items)} items, 0 inserted in ${formatMs(ms)} -> ${formatRate((result.items / ms) * 1000, "items")} (insertBatch ${formatMs(insertMs.at(-1) ?? 0)})`);
    }
    const repeatRate = ((FEEDS * ITEMS) / summarize(repeat).p50) * 1000;
    say(`    per feed: ${formatSummary(summarize(fetchMs))}`);
    record("end to end, repeat (nothing new)", formatRate(repeatRate, "items"), "-", "info");
    record("  per feed p50 / p95", `${formatMs(summarize(fetchMs).p50)} / ${formatMs(summarize(fetchMs).p95)}`, "-", "info");
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  results.printSummary();
}

runBenchmark("bench:news", () => withBenchDatabase({ database: DATABASE, poolSize: 10, applicationName: "bench-news" }, run));
