/**
 * War Room benchmark: `npm run bench:warroom`.
 *
 * Decision latency of a War Room session — gathering (daily closes, newest price, headlines,
 * signals, the account as the kill switch sees it, agent accuracy) through the indexed queries
 * with the TTL cache, the four agents, the chair, and the session with every vote stored — on
 * 2,000,000 stock_prices rows (500 tickers x 4,000 days) and 100,000 news articles. 200
 * sessions over 200 different tickers (every ticker's first look: cold cache), then 200 more
 * over the same tickers (warm cache). Compared with the original system's 12.76 s.
 */
import { AccountRepository } from "../src/adapters/db/repositories/account-repository.js";
import { DeskReaderRepository } from "../src/adapters/db/repositories/desk-reader-repository.js";
import { MirrorRepository } from "../src/adapters/db/repositories/mirror-repository.js";
import { NewsRepository } from "../src/adapters/db/repositories/news-repository.js";
import { PriceRepository } from "../src/adapters/db/repositories/price-repository.js";
import { SignalRepository } from "../src/adapters/db/repositories/signal-repository.js";
import { WarRoomRepository } from "../src/adapters/db/repositories/warroom-repository.js";
import { QueryCache } from "../src/adapters/cache/query-cache.js";
import type { ApprovalDeps } from "../src/app/approvals/request-order.js";
import { runWarRoom, type WarRoomDeps } from "../src/app/warroom/session.js";
import { Dec } from "../src/domain/decimal.js";
import { createAccount, holdPosition } from "../test/support/accounts.js";
import { executionDeps } from "../test/support/desk.js";
import { makeArticles, makeTickers, popularity, seedPrices } from "./fixtures.js";
import { describeServer, Results, runBenchmark, say, settle, withBenchDatabase, type BenchContext } from "./harness.js";
import { check, formatInt, formatMs, formatRate, formatSummary, msSince, summarize } from "./stats.js";

const DATABASE = "warroom_bench_warroom";
const TICKERS = 500;
const DAYS = 4_000;
const ARTICLES = 100_000;
const SESSIONS = 200;
const WARMUP = 20;
const ORIGINAL_MS = 12_760;
const TARGET = { p95Ms: 150, speedup: 80 };
/** The seeded bars end at 2014-01-02 21:00 UTC + 3,999 days; the sessions run a minute later. */
const NOW = new Date(Date.parse("2014-01-02T21:00:00Z") + (DAYS - 1) * 86_400_000 + 60_000);
const results = new Results();

async function seed({ dataSource, pool }: BenchContext): Promise<{ accountId: string; tickers: string[] }> {
  const tickers = makeTickers(TICKERS);
  let t = process.hrtime.bigint();
  const rows = await seedPrices(pool, { tickers: TICKERS, days: DAYS, parallel: 2 });
  say(`seeded ${formatInt(rows)} stock_prices rows in ${(msSince(t) / 1000).toFixed(1)} s`);
  results.record("stock_prices rows", formatInt(rows), ">= 2,000,000", check(rows, ">=", 2_000_000));
  t = process.hrtime.bigint();
  const articles = makeArticles({ count: ARTICLES, prefix: "wr", tickers, seed: 7, now: NOW });
  const news = new NewsRepository(dataSource);
  let inserted = 0;
  for (let i = 0; i < articles.length; i += 5_000) inserted += await news.insertBatch(articles.slice(i, i + 5_000));
  say(`inserted ${formatInt(inserted)} news articles in ${(msSince(t) / 1000).toFixed(1)} s`);
  results.record("news_articles rows", formatInt(inserted), ">= 100,000", check(inserted, ">=", 100_000));
  await new SignalRepository(dataSource).insert(
    tickers.slice(0, 250).map((ticker, i) => ({ ticker, signal: i % 3 === 0 ? "SELL" : "BUY", confidence: new Dec("0.8"), source: "bench", rationale: "seeded" })),
  );
  const accountId = await createAccount(dataSource, { name: "Bench", cash: "1000000" });
  for (const ticker of tickers.slice(0, 10)) await holdPosition(dataSource, accountId, ticker, 100, "50");
  await settle(pool, "stock_prices, news_articles, news_article_tickers, trading_signals");
  // The most-mentioned tickers first: the sessions an operator would actually ask for.
  return { accountId, tickers: popularity(articles).map(([ticker]) => ticker) };
}

function warRoomDeps(ctx: BenchContext, cache: QueryCache): WarRoomDeps {
  const clock = { now: () => NOW };
  const execution = executionDeps(ctx.dataSource, { clock });
  const approvals = { execution } as unknown as ApprovalDeps; // sessions here only decide: nothing is proposed
  return {
    store: new WarRoomRepository(ctx.dataSource),
    prices: new PriceRepository(ctx.dataSource),
    news: new NewsRepository(ctx.dataSource, cache),
    signals: new SignalRepository(ctx.dataSource, cache),
    killSwitch: execution.killSwitch,
    accounts: new AccountRepository(ctx.dataSource),
    approvals,
    board: { post: () => Promise.resolve(), settle: () => Promise.resolve(), sweep: () => Promise.resolve(0) },
    mirrors: new MirrorRepository(ctx.dataSource),
    reader: new DeskReaderRepository(ctx.dataSource),
    llm: undefined,
    settings: { deadlineMs: 2000, riskFraction: new Dec("0.01"), act: new Dec("0.55"), defaultStopPct: 5, minScoredForWeight: 20, maxPositionPct: 20 },
  };
}

async function sessions(deps: WarRoomDeps, accountId: string, tickers: readonly string[]): Promise<{ samples: number[]; decisions: Map<string, number> }> {
  const samples: number[] = [];
  const decisions = new Map<string, number>();
  for (const ticker of tickers) {
    const started = process.hrtime.bigint();
    const result = await runWarRoom(deps, { ticker, accountId, requestedBy: "bench", propose: false });
    samples.push(msSince(started));
    if (!result || result.decision.votes.length !== 4) throw new Error(`session for ${ticker} did not complete`);
    decisions.set(result.decision.decision, (decisions.get(result.decision.decision) ?? 0) + 1);
  }
  return { samples, decisions };
}

async function run(ctx: BenchContext): Promise<void> {
  say(await describeServer(ctx.pool));
  const { accountId, tickers } = await seed(ctx);
  const deps = warRoomDeps(ctx, new QueryCache({ ttlMs: 60_000, maxEntries: 10_000 }));
  await sessions(deps, accountId, tickers.slice(SESSIONS + 50, SESSIONS + 50 + WARMUP)); // JIT and pool warm-up on other tickers
  const cold = await sessions(deps, accountId, tickers.slice(0, SESSIONS));
  const warm = await sessions(deps, accountId, tickers.slice(0, SESSIONS));
  const c = summarize(cold.samples);
  const w = summarize(warm.samples);
  say(`\nsessions, first look at each ticker: ${formatSummary(c)}; ${formatRate((SESSIONS * 1000) / cold.samples.reduce((a, b) => a + b, 0), "sessions")}`);
  say(`sessions, same tickers again (cache warm): ${formatSummary(w)}`);
  say(`decisions: ${[...cold.decisions].map(([d, n]) => `${d} ${n}`).join(", ")}`);
  const speedup = ORIGINAL_MS / c.p95;
  say(`original system: ${ORIGINAL_MS} ms per decision; this p95 is ${speedup.toFixed(0)}x faster`);
  results.record("session p95 (cold cache)", formatMs(c.p95), `<= ${TARGET.p95Ms} ms`, check(c.p95, "<=", TARGET.p95Ms));
  results.record("session p99 (cold cache)", formatMs(c.p99), "", "info");
  results.record("session p95 (warm cache)", formatMs(w.p95), "", "info");
  results.record("speed-up vs 12.76 s", `${speedup.toFixed(0)}x`, `>= ${TARGET.speedup}x`, check(speedup, ">=", TARGET.speedup));
  results.printSummary();
}

runBenchmark("warroom", () => withBenchDatabase({ database: DATABASE, poolSize: 10, applicationName: "bench-warroom" }, run));
