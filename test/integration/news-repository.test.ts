import { describe, expect, it } from "vitest";
import { QueryCache } from "../../src/adapters/cache/query-cache.js";
import { InvalidNewsError, NewsRepository } from "../../src/adapters/db/repositories/news-repository.js";
import type { NewsArticleInput } from "../../src/domain/news.js";
import { useTestDatabase } from "../support/database.js";

const db = useTestDatabase();

function article(n: number, tickers: string[], publishedAt: string): NewsArticleInput {
  return { title: `Headline ${n}`, url: `https://news.example.com/${n}`, source: "example", summary: null, tickers, publishedAt: new Date(publishedAt) };
}

async function count(table: string): Promise<number> {
  const [row] = await db.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`);
  return row.n;
}

describe("NewsRepository", () => {
  it("inserts a batch once: the same batch again inserts 0", async () => {
    const repo = new NewsRepository(db.dataSource);
    const batch = Array.from({ length: 2500 }, (_, i) => article(10_000 + i, i % 2 ? ["NVDA"] : ["ORCL", "NVDA"], "2026-01-01T00:00:00Z"));
    expect(await repo.insertBatch(batch)).toBe(2500);
    expect(await repo.insertBatch(batch)).toBe(0);
    // A re-worded link to the same story (tracking parameter, case) is the same article.
    expect(await repo.insertBatch([{ ...batch[0]!, url: `${batch[0]!.url}?utm_source=rss`, title: batch[0]!.title.toUpperCase() }])).toBe(0);
    const [tags] = await db.dataSource.query(`SELECT count(*)::int AS n FROM news_article_tickers t JOIN news_articles a ON a.id = t.article_id WHERE a.title LIKE 'Headline 1____'`);
    expect(tags.n).toBe(1250 + 2 * 1250);
  });

  it("counts each new article once when concurrent batches overlap", async () => {
    const repo = new NewsRepository(db.dataSource);
    const before = await count("news_articles");
    const pool = Array.from({ length: 600 }, (_, i) => article(20_000 + i, ["YHOO"], "2026-02-01T00:00:00Z"));
    // Eight writers, each with an overlapping window of the same 600 articles, in shuffled order.
    const batches = Array.from({ length: 8 }, (_, w) => pool.slice(w * 50, w * 50 + 250).sort(() => (w % 2 ? 1 : -1)));
    const inserted = await Promise.all(batches.map((b) => repo.insertBatch(b)));
    const unique = new Set(batches.flat().map((a) => a.url)).size;
    expect(inserted.reduce((a, b) => a + b, 0)).toBe(unique);
    expect((await count("news_articles")) - before).toBe(unique);
  });

  it("returns a ticker's newest articles first, and only that ticker's", async () => {
    const repo = new NewsRepository(db.dataSource);
    await repo.insertBatch([
      article(1, ["AAPL"], "2026-03-01T10:00:00Z"),
      article(2, ["AAPL", "MSFT"], "2026-03-03T10:00:00Z"),
      article(3, ["MSFT"], "2026-03-04T10:00:00Z"),
      article(4, ["AAPL"], "2026-03-02T10:00:00Z"),
    ]);
    const recent = await repo.recentForTicker("AAPL", 2);
    expect(recent.map((a) => a.title)).toEqual(["Headline 2", "Headline 4"]);
    expect(recent[0]).toMatchObject({ tickers: ["AAPL", "MSFT"], url: "https://news.example.com/2", processedAt: null });
    expect((await repo.recentForTicker("AAPL", 10)).map((a) => a.title)).toEqual(["Headline 2", "Headline 4", "Headline 1"]);
    expect(await repo.recentForTicker("NONE", 10)).toEqual([]);
  });

  it("lists processed articles by processing date, newest first, within the range", async () => {
    const repo = new NewsRepository(db.dataSource);
    await repo.insertBatch([article(31, ["IBM"], "2026-04-01T00:00:00Z"), article(32, ["IBM"], "2026-04-01T00:00:00Z"), article(33, ["IBM"], "2026-04-01T00:00:00Z")]);
    const [a, b, c] = (await repo.recentForTicker("IBM", 3)).sort((x, y) => x.title.localeCompare(y.title));
    await repo.markProcessed([{ id: a!.id, sentiment: "0.5" }], new Date("2026-04-02T09:00:00Z"));
    await repo.markProcessed([{ id: b!.id, sentiment: "-0.25" }], new Date("2026-04-02T11:00:00Z"));
    await repo.markProcessed([{ id: c!.id, sentiment: null }], new Date("2026-04-03T11:00:00Z"));
    const day = await repo.processedBetween(new Date("2026-04-02T00:00:00Z"), new Date("2026-04-03T00:00:00Z"), 10);
    expect(day.map((x) => [x.title, x.sentiment])).toEqual([["Headline 32", "-0.2500"], ["Headline 31", "0.5000"]]);
  });

  it("rejects a bad article in a batch without writing any of it", async () => {
    const repo = new NewsRepository(db.dataSource);
    const before = await count("news_articles");
    const batch = [article(41, ["GOOD"], "2026-05-01T00:00:00Z"), article(42, ["not a ticker"], "2026-05-01T00:00:00Z")];
    await expect(repo.insertBatch(batch)).rejects.toThrow(new InvalidNewsError(1, '"NOT A TICKER" is not a ticker'));
    await expect(repo.insertBatch([{ ...article(43, [], "2026-05-01T00:00:00Z"), publishedAt: new Date("nope") }])).rejects.toThrow(/publishedAt/);
    await expect(repo.insertBatch([{ ...article(44, [], "2026-05-01T00:00:00Z"), title: "  " }])).rejects.toThrow(/title is empty/);
    expect(await count("news_articles")).toBe(before);
  });

  it("serves repeated reads from the cache and drops them when a write touches the ticker", async () => {
    const cache = new QueryCache({ ttlMs: 60_000, maxEntries: 100 });
    const repo = new NewsRepository(db.dataSource, cache);
    await repo.insertBatch([article(51, ["AMD"], "2026-06-01T00:00:00Z")]);
    expect((await repo.recentForTicker("AMD", 5)).length).toBe(1);
    expect((await repo.recentForTicker("AMD", 5)).length).toBe(1);
    expect(cache.hits).toBe(1);

    // A write through another path (another process) is not seen until the TTL: cached on purpose.
    await db.dataSource.query(`UPDATE news_articles SET title = 'edited elsewhere' WHERE url = 'https://news.example.com/51'`);
    expect((await repo.recentForTicker("AMD", 5))[0]?.title).toBe("Headline 51");

    await repo.insertBatch([article(52, ["AMD"], "2026-06-02T00:00:00Z")]);
    expect((await repo.recentForTicker("AMD", 5)).map((a) => a.title)).toEqual(["Headline 52", "edited elsewhere"]);

    await repo.markProcessed([{ id: (await repo.recentForTicker("AMD", 1))[0]!.id, sentiment: "0.1" }], new Date());
    expect((await repo.recentForTicker("AMD", 5))[0]?.processedAt).not.toBeNull();
  });
});
