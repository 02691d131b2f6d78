/**
 * Backtest throughput: `npm run bench:backtest` (issue 15).
 *
 * Target: >= 1,000 ticker-days/s for 20 tickers x 10 years with the War Room strategy on this
 * 2-core machine (a 20-ticker decade, 50,400 ticker-days, in under a minute).
 *
 * 1. Data: 20 synthetic tickers T01..T20 written to a scratch directory (mkdtemp, removed at the
 *    end). Each is one of the three real files in demo/prices (NVDA, ORCL, YHOO in turn) with
 *    every price times a per-ticker factor, rounded to 6 decimals (half-up rounding is monotonic,
 *    so low <= open, close <= high still holds), so no two files have the same bytes. The run is
 *    the last 2,520 trading days the three files share (10 x 252); older bars are warm-up.
 * 2. Backtest: what a user waits for, timed as one: loadBars (read + parse the 20 CSVs), the
 *    engine run (runBacktest, warRoomStrategy(DEFAULT_WARROOM_SETTINGS)) and the buy-and-hold
 *    benchmark. BENCH_RUNS runs (default 3), each from the files; the first pays the JIT.
 * 3. Baseline: today's replay (runReplay, sma-cross, one ticker through the database: kill-switch
 *    checks, price batches, orders, end-of-day rows) on the first BENCH_REPLAY_BARS (default 252,
 *    one year) bars of T01, timed as CSV read + parse + runReplay. A sample, not the decade: the
 *    replay runs at tens to ~170 bars/s, so the two are compared as rates (ticker-days/s).
 *    The database is an embedded, durable PostgreSQL under data/bench (or BENCH_DATABASE_URL's
 *    server), with its own database created, migrated and dropped (bench/harness.ts).
 *
 * Both sides use the same costs (5 bps slippage, $1 an order), thresholds, price collar and stop.
 */
import { benchKillSwitch } from "./kill-switch-deps.js";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DateTime } from "luxon";
import { PaperBroker } from "../src/adapters/broker/paper/paper-broker.js";
import { OrderRepository } from "../src/adapters/db/repositories/order-repository.js";
import { PaperBookRepository } from "../src/adapters/db/repositories/paper-book-repository.js";
import { PriceRepository } from "../src/adapters/db/repositories/price-repository.js";
import { ReplayAccountRepository } from "../src/adapters/db/repositories/replay-account-repository.js";
import { TradingGateRepository } from "../src/adapters/db/repositories/trading-gate-repository.js";
import { RecordingNotifier } from "../src/adapters/notifier/recording-notifier.js";
import { loadBars } from "../src/app/backtest/load-bars.js";
import type { ExecutionDeps } from "../src/app/orders/execute-order.js";
import { systemClock } from "../src/app/ports/clock.js";
import { ReplayClock, runReplay, type ReplayResult } from "../src/app/replay/run-replay.js";
import { buyAndHold, type BenchmarkResult } from "../src/domain/backtest/benchmark.js";
import type { CostModel } from "../src/domain/backtest/costs.js";
import { runBacktest, type BacktestConfig, type BacktestRun } from "../src/domain/backtest/engine.js";
import { DEFAULT_WARROOM_SETTINGS, warRoomStrategy } from "../src/domain/backtest/strategies.js";
import { parseUniverse } from "../src/domain/backtest/universe.js";
import { Dec } from "../src/domain/decimal.js";
import { NYSE_TIME_ZONE } from "../src/domain/market-calendar.js";
import { SMA_CROSS_DEFAULTS } from "../src/domain/strategies/sma-cross.js";
import { parseYahooCsv } from "../src/domain/yahoo-csv.js";
import { describeServer, Results, runBenchmark, say, withBenchDatabase, type BenchContext } from "./harness.js";
import { check, formatInt, msSince, summarize } from "./stats.js";

const SOURCES = ["nvda", "orcl", "yhoo"].map((name) => resolve("demo", "prices", `${name}-daily.csv`));
const TICKERS = 20;
const RUN_DAYS = 2520; // 10 years x 252 trading days
const TARGET_TICKER_DAYS_PER_S = 1000;
const CAPITAL = new Dec(100_000);
const COSTS: CostModel = { slippageBps: 5, commissionPerOrder: new Dec(1), commissionPerShare: new Dec(0), commissionMinimum: new Dec(0) };
const THRESHOLDS = { dailyLossPct: 5, maxDrawdownPct: 10, apiErrorCount: 3, concentrationPct: 30, staleDataSeconds: 300, dailyTradeLimit: 20 };
const PRICE_COLLAR_PCT = 10;
const STOP_PCT = 5;
const DATABASE = "warroom_bench_backtest";

const results = new Results();

function positiveIntEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  if (!/^[1-9]\d*$/.test(raw)) throw new Error(`${name}="${raw}" is not a whole number above 0`);
  return Number(raw);
}

const tickerName = (i: number) => `T${String(i + 1).padStart(2, "0")}`;

/** 0.75, 1.00, ..., 5.50: distinct per ticker, so no two files share their bytes. */
const factorOf = (i: number) => new Dec("0.75").plus(new Dec("0.25").times(i));

/** A Yahoo CSV with Open..Adj Close times `factor` (6 decimals, half-up); dates and volume as they were. */
function scaledCsv(text: string, factor: Dec): string {
  const lines = text.trimEnd().split(/\r?\n/);
  const out = [lines[0]!];
  for (const line of lines.slice(1)) {
    const [date, ...rest] = line.split(",");
    const volume = rest.pop();
    out.push([date, ...rest.map((p) => new Dec(p).times(factor).toDecimalPlaces(6, Dec.ROUND_HALF_UP).toFixed(6)), volume].join(","));
  }
  return `${out.join("\n")}\n`;
}

/** Writes T01..T20 into `dir`; returns the run's range: the last RUN_DAYS dates all sources share. */
async function writeUniverse(dir: string): Promise<{ from: string; to: string }> {
  const texts = await Promise.all(SOURCES.map((p) => readFile(p, "utf8")));
  const dateSets = texts.map((t) => new Set(t.trimEnd().split(/\r?\n/).slice(1).map((l) => l.slice(0, 10))));
  const shared = [...dateSets[0]!].filter((d) => dateSets.every((s) => s.has(d))).sort();
  if (shared.length < RUN_DAYS) throw new Error(`the demo files share only ${shared.length} trading days, fewer than ${RUN_DAYS}`);
  await Promise.all(Array.from({ length: TICKERS }, (_, i) =>
    writeFile(join(dir, `${tickerName(i).toLowerCase()}-daily.csv`), scaledCsv(texts[i % texts.length]!, factorOf(i)))));
  return { from: shared.at(-RUN_DAYS)!, to: shared.at(-1)! };
}

const sessionTimes = (day: string) => {
  const d = DateTime.fromISO(day, { zone: NYSE_TIME_ZONE });
  return { decide: d.set({ hour: 9, minute: 29 }).toJSDate(), close: d.set({ hour: 16 }).toJSDate() };
};

interface BacktestSample {
  ms: number;
  loadMs: number;
  engineMs: number;
  benchmarkMs: number;
  tickerDays: number;
  days: number;
  run: BacktestRun;
  benchmark: BenchmarkResult;
}

/** One backtest as a user waits for it: files read and parsed, engine run, buy-and-hold benchmark. */
async function backtestOnce(dir: string, from: string, to: string): Promise<BacktestSample> {
  const start = process.hrtime.bigint();
  const universe = parseUniverse({ tickers: Array.from({ length: TICKERS }, (_, i) => tickerName(i)).join(","), data: dir, from, to });
  const loaded = await loadBars(universe, (p) => readFile(p, "utf8"));
  const loadMs = msSince(start);
  let t = process.hrtime.bigint();
  const config: BacktestConfig = {
    capital: CAPITAL, costs: COSTS, haltPolicy: "resume-next-session", strategy: warRoomStrategy(DEFAULT_WARROOM_SETTINGS),
    thresholds: THRESHOLDS, priceCollarPct: PRICE_COLLAR_PCT, defaultStopPct: STOP_PCT, minScoredForWeight: 20, sessionTimes,
  };
  const run = runBacktest(loaded.tickers.map((s) => ({ ticker: s.ticker, warmup: s.warmup, bars: s.bars })), loaded.days, config);
  const engineMs = msSince(t);
  t = process.hrtime.bigint();
  const benchmark = buyAndHold({ capital: CAPITAL, costs: COSTS, series: loaded.tickers.map((s) => ({ ticker: s.ticker, bars: s.bars })) });
  const benchmarkMs = msSince(t);
  const tickerDays = loaded.tickers.reduce((n, s) => n + s.bars.length, 0);
  return { ms: msSince(start), loadMs, engineMs, benchmarkMs, tickerDays, days: loaded.days.length, run, benchmark };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const money = (d: Dec) => `$${formatInt(d.toNumber())}`;

async function measureBacktest(dir: string, from: string, to: string, runs: number): Promise<number> {
  say(`\n[1] backtest: ${TICKERS} tickers x ${formatInt(RUN_DAYS)} days (${from} .. ${to}), warRoomStrategy(DEFAULT_WARROOM_SETTINGS), resume-next-session; ${runs} run(s), each: loadBars (read + parse 20 CSVs) + runBacktest + buyAndHold`);
  const samples: BacktestSample[] = [];
  for (let i = 0; i < runs; i += 1) {
    const s = await backtestOnce(dir, from, to);
    samples.push(s);
    say(`    run ${i + 1}: ${seconds(s.ms)} (load ${seconds(s.loadMs)}, engine ${seconds(s.engineMs)}, benchmark ${seconds(s.benchmarkMs)}) -> ${formatInt((s.tickerDays / s.ms) * 1000)} ticker-days/s`);
  }
  const first = samples[0]!;
  // Every run must do the same work: same input, pure engine.
  for (const s of samples) {
    if (s.tickerDays !== first.tickerDays || s.run.trades.length !== first.run.trades.length || !s.run.final.equity.eq(first.run.final.equity)) {
      throw new Error("two runs of the same backtest disagree");
    }
  }
  if (first.tickerDays !== TICKERS * RUN_DAYS) throw new Error(`expected ${TICKERS * RUN_DAYS} ticker-days, the run had ${first.tickerDays}`);
  const r = first.run;
  const stops = r.trades.filter((t) => t.source === "stop-loss").length;
  const halts = r.halts.filter((h) => h.kind === "halt").length;
  const benchEnd = first.benchmark.equityCurve.at(-1)!.equity;
  say(`    result: ${formatInt(first.tickerDays)} ticker-days over ${formatInt(first.days)} days; decisions BUY ${r.decisions.BUY} / SELL ${r.decisions.SELL} / HOLD ${formatInt(r.decisions.HOLD)}; ` +
    `${r.trades.length} trades (${stops} stop-loss), ${r.refusals.length} refused, ${halts} halt(s) (${r.halts.length - halts} resume(s)); final equity ${money(r.final.equity)} (buy-and-hold ${money(benchEnd)}) from ${money(CAPITAL)}`);

  const s = summarize(samples.map((x) => x.ms));
  const rateAt = (ms: number) => (first.tickerDays / ms) * 1000;
  say(`    run seconds: p50 ${seconds(s.p50)}, p95 ${seconds(s.p95)}, min ${seconds(s.min)}; ticker-days/s at p50 ${formatInt(rateAt(s.p50))}, at p95 ${formatInt(rateAt(s.p95))}, best ${formatInt(rateAt(s.min))}`);
  const p50Engine = summarize(samples.map((x) => x.engineMs)).p50;
  const p50Load = summarize(samples.map((x) => x.loadMs)).p50;
  results.record("backtest run (20 x 10 y), p50", `${seconds(s.p50)} (p95 ${seconds(s.p95)}, min ${seconds(s.min)}; load p50 ${seconds(p50Load)}, engine p50 ${seconds(p50Engine)})`, "< 60 s", check(s.p50, "<=", 60_000));
  results.record("backtest ticker-days/s (at p50)", `${formatInt(rateAt(s.p50))} (p95 run ${formatInt(rateAt(s.p95))}, best ${formatInt(rateAt(s.min))})`, `>= ${formatInt(TARGET_TICKER_DAYS_PER_S)}`, check(rateAt(s.p50), ">=", TARGET_TICKER_DAYS_PER_S));
  return rateAt(s.p50);
}

/** The desk's order path on the bench database, wired as src/main/desk.ts does (PaperBookRepository included). */
function replayDeps(ctx: BenchContext, clock: ReplayClock, notifier: RecordingNotifier): ExecutionDeps {
  const { dataSource } = ctx;
  const commissionPerOrder = COSTS.commissionPerOrder;
  return {
    gate: new TradingGateRepository(dataSource),
    orders: new OrderRepository(dataSource),
    broker: new PaperBroker({ prices: new PriceRepository(dataSource), clock, slippageBps: COSTS.slippageBps, commissionPerOrder, book: new PaperBookRepository(dataSource) }),
    killSwitch: benchKillSwitch({ dataSource, clock, notifier, thresholds: THRESHOLDS }),
    settings: { priceCollarPct: PRICE_COLLAR_PCT, slippageBps: COSTS.slippageBps, commissionPerOrder, defaultStopPct: STOP_PCT },
  };
}

async function measureReplay(ctx: BenchContext, dir: string, from: string, sampleBars: number): Promise<number> {
  say(await describeServer(ctx.pool));
  const ticker = tickerName(0);
  const path = join(dir, `${ticker.toLowerCase()}-daily.csv`);
  const params = SMA_CROSS_DEFAULTS;
  const start = process.hrtime.bigint();
  const bars = parseYahooCsv(await readFile(path, "utf8"), ticker, NYSE_TIME_ZONE).bars;
  const dayOf = (at: Date) => DateTime.fromJSDate(at, { zone: NYSE_TIME_ZONE }).toISODate()!;
  const inRun = bars.filter((b) => dayOf(b.time) >= from).sort((a, b) => a.time.getTime() - b.time.getTime());
  const last = inRun[Math.min(sampleBars, inRun.length) - 1]!;
  const to = dayOf(last.time);
  say(`\n[2] replay (baseline): runReplay, sma-cross(fast ${params.fast}, slow ${params.slow}, size ${params.sizePct}%), ${ticker} ${from} .. ${to}: a SAMPLE of ${formatInt(sampleBars)} bars (BENCH_REPLAY_BARS), 1 ticker, through the database; timed: CSV read + parse + runReplay`);
  const clock = new ReplayClock();
  const notifier = new RecordingNotifier();
  const result: ReplayResult = await runReplay(
    { execution: replayDeps(ctx, clock, notifier), prices: new PriceRepository(ctx.dataSource), accounts: new ReplayAccountRepository(ctx.dataSource), clock, notifier, wallClock: systemClock },
    { ticker, bars, from, to, capital: CAPITAL, strategy: { name: "sma-cross", params } },
  );
  const ms = msSince(start);
  const rate = (result.bars / ms) * 1000; // one ticker: a bar is a ticker-day
  say(`    ${formatInt(result.bars)} bars in ${seconds(ms)} -> ${rate.toFixed(1)} ticker-days/s (runReplay's own figure ${result.barsPerSecond.toFixed(1)} bars/s)`);
  say(`    result: ${result.trades.length} trades, ${result.refusals.length} refused, ${result.halts.length} halt(s); final equity ${money(result.final.equity)}, kill switch ${result.final.halted ? "HALTED" : "ACTIVE"}`);
  results.record(`replay ticker-days/s (sample: ${result.bars} bars of ${ticker})`, `${rate.toFixed(1)} (${seconds(ms)})`, "-", "info");
  return rate;
}

async function main(): Promise<void> {
  const runs = positiveIntEnv("BENCH_RUNS", 3);
  const sampleBars = positiveIntEnv("BENCH_REPLAY_BARS", 252);
  const dir = await mkdtemp(join(tmpdir(), "warroom-bench-backtest-"));
  const started = process.hrtime.bigint();
  try {
    const { from, to } = await writeUniverse(dir);
    say(`data: ${TICKERS} synthetic tickers T01..T${TICKERS} in ${dir} (NVDA, ORCL, YHOO in turn, prices x 0.75 .. x ${factorOf(TICKERS - 1).toFixed(2)}, whole history kept as warm-up), written in ${seconds(msSince(started))}`);
    const backtestRate = await measureBacktest(dir, from, to, runs);
    let replayRate = 0;
    await withBenchDatabase({ database: DATABASE, poolSize: 4, applicationName: "bench-backtest" }, async (ctx) => {
      replayRate = await measureReplay(ctx, dir, from, sampleBars);
    });
    const ratio = backtestRate / replayRate;
    say(`\nratio backtest/replay = ${ratio.toFixed(0)}× (ticker-days/s, measured in this run: the backtest's p50 over the full 20 x 10 years against the replay's ${sampleBars}-bar sample of one ticker; different strategies, War Room vs sma-cross)`);
    results.record("ratio backtest/replay (ticker-days/s)", `${ratio.toFixed(0)}×`, "-", "info");
    results.printSummary();
    say(`${check(backtestRate, ">=", TARGET_TICKER_DAYS_PER_S)}: backtest ${formatInt(backtestRate)} ticker-days/s vs target >= ${formatInt(TARGET_TICKER_DAYS_PER_S)} ticker-days/s`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

runBenchmark("bench:backtest", main);
