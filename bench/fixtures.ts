import type pg from "pg";
import type { NewsArticleInput } from "../src/domain/news.js";

/** Deterministic PRNG (mulberry32): the same seed gives the same data set on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** T0000 .. T0499: valid tickers (^[A-Z][A-Z0-9.-]{0,9}$). */
export function makeTickers(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `T${String(i).padStart(4, "0")}`);
}

/**
 * Zipf-like sampler (weight 1/rank^s): with s = 1 over 500 tickers, T0000 is in ~15% of the
 * picks, T0001 in ~7%, and the tail gets a handful each. Binary search over the CDF.
 */
export function zipfSampler(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i += 1) {
    total += 1 / (i + 1) ** s;
    cdf[i] = total;
  }
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const SOURCES = ["reuters", "bloomberg", "wsj", "ft", "marketwatch", "seekingalpha", "cnbc", "benzinga"];
const VERBS = ["beats", "misses", "raises", "cuts", "reaffirms", "delays", "announces", "expands", "halts", "resumes"];
const NOUNS = ["guidance", "earnings", "dividend", "buyback", "product launch", "outlook", "capex plan", "margin target"];
const FILLER =
  "Analysts said the move was broadly in line with expectations, although volumes in the options market " +
  "pointed to a wider range of outcomes than the consensus implied ahead of the announcement.";

const DAY_MS = 86_400_000;

export interface ArticleSetOptions {
  count: number;
  /** Distinguishes article sets: titles and URLs embed it, so two sets never share a content hash. */
  prefix: string;
  tickers: readonly string[];
  seed: number;
  /** Articles are published within the year before this instant. */
  now: Date;
}

/** Synthetic NewsArticleInput values: 1-3 distinct tickers each, popularity skewed, dates over a year. */
export function makeArticles(options: ArticleSetOptions): NewsArticleInput[] {
  const random = rng(options.seed);
  const pickTicker = zipfSampler(options.tickers.length, 1, random);
  const end = options.now.getTime();
  const articles = new Array<NewsArticleInput>(options.count);
  for (let i = 0; i < options.count; i += 1) {
    const howMany = 1 + Math.floor(random() * 3);
    const chosen = new Set<string>();
    while (chosen.size < howMany) chosen.add(options.tickers[pickTicker()] as string);
    const tickers = [...chosen];
    const lead = tickers[0] as string;
    const verb = VERBS[Math.floor(random() * VERBS.length)] as string;
    const noun = NOUNS[Math.floor(random() * NOUNS.length)] as string;
    const source = SOURCES[Math.floor(random() * SOURCES.length)] as string;
    const publishedAt = new Date(end - Math.floor(random() * 365 * DAY_MS));
    const slug = `${lead}-${verb}-${noun}`.toLowerCase().replaceAll(" ", "-");
    articles[i] = {
      title: `${lead} ${verb} ${noun} (${options.prefix} #${i})`,
      url: `https://${source}.example.com/markets/${publishedAt.toISOString().slice(0, 10)}/${options.prefix}-${i}-${slug}?utm_source=feed&id=${i}`,
      source,
      summary: `${lead} ${verb} ${noun}. ${FILLER} Also mentioned: ${tickers.join(", ")}.`,
      tickers,
      publishedAt,
    };
  }
  return articles;
}

/** Ticker indices in the order of how many articles mention them, most first. */
export function popularity(articles: readonly NewsArticleInput[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const a of articles) for (const t of a.tickers) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

export interface SeedOptions {
  tickers: number;
  days: number;
  /** Concurrent INSERT ... SELECT statements, each over its own ticker range. */
  parallel: number;
}

/**
 * Fills stock_prices server-side: one INSERT ... SELECT over generate_series per ticker range.
 * Prices are a deterministic wave per ticker; open and close are rounded first, and high/low
 * derived from the rounded values (rounded outward), so every CHECK holds:
 * all > 0 and low <= open, close <= high.
 */
export async function seedPrices(pool: pg.Pool, options: SeedOptions): Promise<number> {
  const { tickers, days } = options;
  const per = Math.ceil(tickers / options.parallel);
  const ranges: [number, number][] = [];
  for (let from = 0; from < tickers; from += per) ranges.push([from, Math.min(tickers, from + per) - 1]);
  const counts = await Promise.all(
    ranges.map(async ([from, to]) => {
      const result = await pool.query(
        `INSERT INTO stock_prices (ticker, time, open, high, low, close, adj_close, volume, source)
         SELECT 'T' || lpad(t::text, 4, '0'),
                timestamptz '2014-01-02 21:00:00+00' + d * interval '1 day',
                p.open,
                ceil(greatest(p.open, p.close) * 1.0125 * 1e6) / 1e6,
                floor(least(p.open, p.close) * 0.9875 * 1e6) / 1e6,
                p.close,
                p.close,
                100000 + ((t * 7919 + d * 104729) % 900000),
                'bench'
         FROM generate_series($1::int, $2::int) AS t
         -- "+ 0 * t" makes the series LATERAL, so rows come out ticker by ticker in time order
         -- (append-only into the primary key's B-tree) without an explicit sort
         CROSS JOIN LATERAL generate_series(0, $3::int - 1 + 0 * t) AS d
         CROSS JOIN LATERAL (
           SELECT round((b.base * (1 + 0.25 * sin(d / 60.0 + t)) * (1 + 0.01 * sin(d * 1.7 + t)))::numeric, 6) AS open,
                  round((b.base * (1 + 0.25 * sin((d + 1) / 60.0 + t)))::numeric, 6) AS close
           FROM (SELECT 20 + (t % 97) * 3.5 AS base) b
         ) p`,
        [from, to, days],
      );
      return result.rowCount ?? 0;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}
