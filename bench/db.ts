/**
 * Database benchmark: `npm run bench:db`.
 *
 * Starts its own durable (fsync on) embedded PostgreSQL under data/bench, or uses the server of
 * BENCH_DATABASE_URL (a URL to any database there; the benchmark creates and drops its own
 * `warroom_bench`). Seeds 2M price bars, measures news ingest (batched vs naive per-row), and
 * the latency of the hot read paths, then prints a summary with targets. Missing a target is a
 * result, not an error: the exit code is non-zero only when something fails.
 *
 * Knobs (env): BENCH_DATABASE_URL, BENCH_KEEP_DB=1 (leave the database for inspection).
 */
import type pg from "pg";
import { NewsRepository } from "../src/adapters/db/repositories/news-repository.js";
import { PriceRepository } from "../src/adapters/db/repositories/price-repository.js";
import { makeArticles, makeTickers, popularity, rng, seedPrices } from "./fixtures.js";
import { naiveIngest } from "./naive.js";
import { captureFirstQuery, explainAnalyze, explainGeneric, indent } from "./plans.js";
import { describeServer, Results, runBenchmark, say, settle, withBenchDatabase, type BenchContext } from "./harness.js";
import { check, formatInt, formatMs, formatRate, formatSummary, msSince, summarize, timeCalls } from "./stats.js";

const DATABASE = "warroom_bench";
const TICKERS = 500;
const DAYS = 4_000;
const ARTICLES = 100_000;
const INGEST_CALL = 5_000;
const NAIVE_ARTICLES = 5_000;
const LATEST_CALLS = 10_000;
const LATEST_MANY_ITERATIONS = 300;
const RECENT_CALLS = 6_000;

const TARGET = {
  ingestPerSecond: 40_000,
  speedup: 15,
  latestP99Ms: 0.5,
  latestManyP99Ms: 10,
  recentP99Ms: 2,
};

const results = new Results();
const record = results.record.bind(results);

async function run({ dataSource, pool }: BenchContext): Promise<void> {
  say(await describeServer(pool));
  const tickers = makeTickers(TICKERS);
  const prices = new PriceRepository(dataSource);
  const news = new NewsRepository(dataSource); // no cache: measure the database path

  // 1. Seed prices server-side.
  say(`\n[1] seeding stock_prices: ${TICKERS} tickers x ${DAYS} daily bars`);
  let t = process.hrtime.bigint();
  const seeded = await seedPrices(pool, { tickers: TICKERS, days: DAYS, parallel: 2 });
  const seedMs = msSince(t);
  t = process.hrtime.bigint();
  await pool.query("ANALYZE stock_prices");
  const analyzeMs = msSince(t);
  say(`    ${formatInt(seeded)} rows in ${(seedMs / 1000).toFixed(1)} s (${formatRate((seeded / seedMs) * 1000, "rows")}), ANALYZE ${formatMs(analyzeMs)}`);
  await settle(pool, "stock_prices", { showTables: true });
  record("seed stock_prices (INSERT..SELECT, 2 sessions)", `${formatInt(seeded)} rows in ${(seedMs / 1000).toFixed(1)} s`, ">= 2,000,000 rows", check(seeded, ">=", 2_000_000));

  // 2. News ingest: batched through the repository vs a naive per-row loop.
  t = process.hrtime.bigint();
  const now = new Date();
  const batchSet = makeArticles({ count: ARTICLES, prefix: "batch", tickers, seed: 1, now });
  const naiveSet = makeArticles({ count: NAIVE_ARTICLES, prefix: "naive", tickers, seed: 2, now });
  const tags = batchSet.reduce((n, a) => n + a.tickers.length, 0);
  say(`\n[2] news ingest: generated ${formatInt(ARTICLES + NAIVE_ARTICLES)} articles in ${formatMs(msSince(t))} (${(tags / ARTICLES).toFixed(2)} tickers/article)`);

  t = process.hrtime.bigint();
  const naiveInserted = await naiveIngest(pool, naiveSet);
  const naiveMs = msSince(t);
  const naiveRate = (naiveInserted / naiveMs) * 1000;
  say(`    naive per-row:  ${formatInt(naiveInserted)} articles in ${formatMs(naiveMs)} -> ${formatRate(naiveRate, "articles")}`);

  const callMs: number[] = [];
  let batchInserted = 0;
  const cpuBefore = process.cpuUsage();
  t = process.hrtime.bigint();
  for (let i = 0; i < batchSet.length; i += INGEST_CALL) {
    const c = process.hrtime.bigint();
    batchInserted += await news.insertBatch(batchSet.slice(i, i + INGEST_CALL));
    callMs.push(msSince(c));
  }
  const batchMs = msSince(t);
  const cpu = process.cpuUsage(cpuBefore);
  const batchRate = (batchInserted / batchMs) * 1000;
  const speedup = batchRate / naiveRate;
  say(`    insertBatch:    ${formatInt(batchInserted)} articles in ${formatMs(batchMs)} -> ${formatRate(batchRate, "articles")}`);
  say(`                    per ${formatInt(INGEST_CALL)}-article call: ${formatSummary(summarize(callMs))}`);
  say(`                    node CPU (hashing, validation, encoding) ${formatMs((cpu.user + cpu.system) / 1000)} of ${formatMs(batchMs)} wall; the rest is waiting on PostgreSQL`);
  say(`    ratio batched / naive: ${speedup.toFixed(1)}x`);
  if (batchInserted !== ARTICLES) throw new Error(`insertBatch inserted ${batchInserted} of ${ARTICLES} fresh articles`);
  record("news insertBatch throughput", formatRate(batchRate, "articles"), `>= ${formatRate(TARGET.ingestPerSecond, "articles")}`, check(batchRate, ">=", TARGET.ingestPerSecond));
  record("naive per-row ingest (baseline)", formatRate(naiveRate, "articles"), "-", "info");
  record("speed-up batched / naive", `${speedup.toFixed(1)}x`, `>= ${TARGET.speedup}x`, check(speedup, ">=", TARGET.speedup));

  t = process.hrtime.bigint();
  const again = await news.insertBatch(batchSet.slice(0, INGEST_CALL));
  const againMs = msSince(t);
  const cross = await news.insertBatch(naiveSet);
  say(`    dedupe: re-inserting ${formatInt(INGEST_CALL)} articles inserted ${again} (${formatMs(againMs)}); the naive set through insertBatch inserted ${cross}`);
  record(`dedupe: re-insert same ${formatInt(INGEST_CALL)}`, `${again} inserted`, "0 inserted", again === 0 ? "PASS" : "FAIL");
  record("dedupe: naive rows via insertBatch", `${cross} inserted`, "0 inserted", cross === 0 ? "PASS" : "FAIL");

  await settle(pool, "news_articles, news_article_tickers", { showTables: true });
  const counts = await pool.query<{ articles: number; tags: number }>(
    "SELECT (SELECT count(*)::int FROM news_articles) AS articles, (SELECT count(*)::int FROM news_article_tickers) AS tags",
  );
  say(`    news_articles=${formatInt(counts.rows[0]?.articles ?? 0)}, news_article_tickers=${formatInt(counts.rows[0]?.tags ?? 0)}`);

  const autovacuumBefore = await autovacuumRuns(pool);

  // 3. PriceRepository.latest
  const random = rng(42);
  const randomTicker = () => tickers[Math.floor(random() * tickers.length)] as string;
  say(`\n[3] PriceRepository.latest(ticker): ${formatInt(LATEST_CALLS)} sequential calls over random tickers`);
  const sample = await prices.latest("T0000");
  const expectedLast = new Date(Date.UTC(2014, 0, 2, 21) + (DAYS - 1) * 86_400_000);
  if (sample?.time.getTime() !== expectedLast.getTime()) throw new Error(`latest(T0000) returned ${sample?.time.toISOString()}, expected ${expectedLast.toISOString()}`);
  await timeCalls(1_000, () => prices.latest(randomTicker()));
  const latestSamples = await timeCalls(LATEST_CALLS, () => prices.latest(randomTicker()));
  const latest = summarize(latestSamples);
  say(`    ${formatSummary(latest)}`);
  say(`    calls over ${TARGET.latestP99Ms} ms: ${latestSamples.filter((v) => v > TARGET.latestP99Ms).length}`);
  record("PriceRepository.latest p99", `${formatMs(latest.p99)} (p50 ${formatMs(latest.p50)}, p95 ${formatMs(latest.p95)}, max ${formatMs(latest.max)})`, `<= ${TARGET.latestP99Ms} ms`, check(latest.p99, "<=", TARGET.latestP99Ms));

  // 4. PriceRepository.latestMany(500)
  say(`\n[4] PriceRepository.latestMany(${TICKERS} tickers): ${LATEST_MANY_ITERATIONS} iterations`);
  const all = await prices.latestMany(tickers);
  if (all.size !== TICKERS) throw new Error(`latestMany returned ${all.size} of ${TICKERS} tickers`);
  await timeCalls(20, () => prices.latestMany(tickers));
  const many = summarize(await timeCalls(LATEST_MANY_ITERATIONS, () => prices.latestMany(tickers)));
  say(`    ${formatSummary(many)}`);
  record(`PriceRepository.latestMany(${TICKERS}) p99`, `${formatMs(many.p99)} (p50 ${formatMs(many.p50)}, p95 ${formatMs(many.p95)})`, `<= ${TARGET.latestManyP99Ms} ms`, check(many.p99, "<=", TARGET.latestManyP99Ms));

  // 5. NewsRepository.recentForTicker, no cache
  const ranked = popularity(batchSet);
  const popular = ranked.slice(0, 5).map(([ticker]) => ticker);
  say(`\n[5] NewsRepository.recentForTicker(ticker, 20), no cache: ${formatInt(RECENT_CALLS)} calls, alternating popular / random tickers`);
  say(`    most popular: ${ranked.slice(0, 5).map(([tk, n]) => `${tk} (${formatInt(n)})`).join(", ")}; least: ${ranked.at(-1)?.[0]} (${ranked.at(-1)?.[1]})`);
  const top = await news.recentForTicker(popular[0] as string, 20);
  if (top.length !== 20) throw new Error(`recentForTicker(${popular[0]}) returned ${top.length} articles`);
  const pick = (i: number) => (i % 2 === 0 ? (popular[(i >> 1) % popular.length] as string) : randomTicker());
  await timeCalls(500, (i) => news.recentForTicker(pick(i), 20));
  const recentSamples = await timeCalls(RECENT_CALLS, (i) => news.recentForTicker(pick(i), 20));
  const recent = summarize(recentSamples);
  const recentPopular = summarize(recentSamples.filter((_, i) => i % 2 === 0));
  const recentRandom = summarize(recentSamples.filter((_, i) => i % 2 === 1));
  say(`    all:     ${formatSummary(recent)}`);
  say(`    popular: ${formatSummary(recentPopular)}`);
  say(`    random:  ${formatSummary(recentRandom)}`);
  say(`    calls over ${TARGET.recentP99Ms} ms: ${recentSamples.filter((v) => v > TARGET.recentP99Ms).length}`);
  record("NewsRepository.recentForTicker p99", `${formatMs(recent.p99)} (p50 ${formatMs(recent.p50)}, p95 ${formatMs(recent.p95)})`, `<= ${TARGET.recentP99Ms} ms`, check(recent.p99, "<=", TARGET.recentP99Ms));
  record("  popular tickers only, p99", formatMs(recentPopular.p99), `<= ${TARGET.recentP99Ms} ms`, check(recentPopular.p99, "<=", TARGET.recentP99Ms));
  record("  random tickers only, p99", formatMs(recentRandom.p99), `<= ${TARGET.recentP99Ms} ms`, check(recentRandom.p99, "<=", TARGET.recentP99Ms));

  // 6. Plans of the exact SQL the repositories send.
  say(`\n[6] plans`);
  const recentQuery = await captureFirstQuery(pool, () => news.recentForTicker(popular[0] as string, 20));
  const recentPlan = await explainAnalyze(pool, recentQuery);
  say(`    EXPLAIN (ANALYZE, BUFFERS) recentForTicker('${popular[0]}', 20):\n${indent(recentPlan)}`);
  const usesRecent = recentPlan.some((l) => /Index (Only )?Scan.* using news_article_tickers_recent/.test(l));
  record("recentForTicker plan uses news_article_tickers_recent", usesRecent ? "yes" : "no", "index scan", usesRecent ? "PASS" : "FAIL");
  const recentGeneric = await explainGeneric(pool, recentQuery);
  if (recentGeneric) {
    say(`    EXPLAIN (GENERIC_PLAN) (what the prepared statement may switch to):\n${indent(recentGeneric)}`);
    const ok = recentGeneric.some((l) => l.includes("news_article_tickers_recent"));
    record("  generic plan uses it too", ok ? "yes" : "no", "index scan", ok ? "PASS" : "FAIL");
  }

  const latestQuery = await captureFirstQuery(pool, () => prices.latest(popular[0] as string));
  const latestPlan = await explainAnalyze(pool, latestQuery);
  say(`    EXPLAIN (ANALYZE, BUFFERS) latest('${popular[0]}'):\n${indent(latestPlan)}`);
  const backward = latestPlan.some((l) => /Index (Only )?Scan Backward using stock_prices_pkey/.test(l));
  record("latest plan: Index Scan Backward on stock_prices_pkey", backward ? "yes" : "no", "backward pkey scan", backward ? "PASS" : "FAIL");

  const autovacuumAfter = await autovacuumRuns(pool);
  say(`\n    autovacuum/autoanalyze runs before the read phases: ${autovacuumBefore}; during them: ${autovacuumAfter - autovacuumBefore}`);

  results.printSummary();
}

/** Completed autovacuum + autoanalyze runs on the benchmark's tables so far. */
async function autovacuumRuns(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0)::int AS n FROM pg_stat_user_tables
     WHERE relname IN ('stock_prices', 'news_articles', 'news_article_tickers')`,
  );
  return rows[0]?.n ?? 0;
}

runBenchmark("bench:db", () => withBenchDatabase({ database: DATABASE, poolSize: 10, applicationName: "bench" }, run));
