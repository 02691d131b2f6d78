/**
 * Market-data benchmark: `npm run bench:market-data`.
 *
 * Streams trades from the Alpaca fake (test/support/alpaca-fake) over a real WebSocket through
 * the real AlpacaStream into the desk's tick pipeline on a durable PostgreSQL (as bench:risk:
 * embedded under data/bench, or BENCH_DATABASE_URL). Measures
 *   1. tick-to-halt with nothing else streaming: a crash trade for a held ticker, from the frame
 *      leaving the fake to the check that committed the HALTED row;
 *   2. sustained throughput: 100 tickers, 20 accounts holding 50 of them each, trades offered at
 *      BENCH_TICKS_PER_SECOND (default 2,500) for BENCH_SECONDS (10): ticks/s stored and acted on,
 *      and tick-to-stored per tick; tick-to-halt again, for crashes sent during that load;
 *   3. the polling path (KIS quotes over HTTP from the KIS fake through the same pipeline), in
 *      bench/market-data-polling.ts, with the ratio to the streaming figures.
 * Prints a summary with targets; a missed target is a result, not an error.
 */
import { KEPT_CONNECTIONS, warmPool } from "../src/adapters/db/pool.js";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { AlpacaStream } from "../src/adapters/market-data/alpaca/stream.js";
import type { FeedStatusSink } from "../src/app/ports/market-data.js";
import { checkTriggers } from "../src/app/kill-switch/check-triggers.js";
import { AlpacaFake } from "../test/support/alpaca-fake/server.js";
import { describeServer, Results, runBenchmark, say, settle, withBenchDatabase, type BenchContext } from "./harness.js";
import { HaltLatency, StoreLatency, storeStatementMs, TradeClock, deskPipeline, seedLoadAccounts, sessionClock } from "./market-data-support.js";
import { measurePolling } from "./market-data-polling.js";
import { assertClockInSession, createAccounts, seedTrialAccounts } from "./risk-fixtures.js";
import { check, formatInt, formatMs, formatRate, formatSummary, summarize } from "./stats.js";

const DATABASE = "warroom_bench_market_data";
const KEY = { id: "PKBENCH000000001", secret: "bench-secret-not-a-real-key" };
const IDLE_TRIALS = 150;
const LOADED_TRIALS = 80;
const LOAD_TICKERS = 100;
const LOAD_ACCOUNTS = 20;
const PER_ACCOUNT = 50;
const OFFERED = Number(process.env.BENCH_TICKS_PER_SECOND ?? 2500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TARGET = { tickToHaltP99Ms: 50, ticksPerSecond: 2000, tickToStoredP99Ms: 100 };

const results = new Results();
const record = results.record.bind(results);
const ignore: FeedStatusSink = { live: () => undefined, down: (r) => say(`    feed down: ${r}`), refused: (t, r) => say(`    refused ${t}: ${r}`) };

async function run({ dataSource, pool }: BenchContext): Promise<void> {
  say(await describeServer(pool));
  assertClockInSession();
  const trials = await seedTrialAccounts(pool, { accounts: IDLE_TRIALS + LOADED_TRIALS, shared: 20, sharedPool: 40, historyDays: 250 });
  const loadTickers = Array.from({ length: LOAD_TICKERS }, (_, i) => `M${String(i).padStart(3, "0")}`);
  const loadNames = Array.from({ length: LOAD_ACCOUNTS }, (_, i) => `bench-md-load-${String(i).padStart(2, "0")}`);
  const loadIds = await seedLoadAccounts(pool, loadNames, loadTickers, PER_ACCOUNT, 250, createAccounts);
  await settle(pool, "accounts, kill_switch_states, positions, stock_prices");

  const clock = sessionClock();
  const { pipeline, prices, notifier, killSwitch } = deskPipeline(dataSource, clock);
  // As the feed's process does before its stream starts (src/main/market-data.ts).
  await warmPool(dataSource);
  try {
    await measure({ pool, pipeline, notifier, killSwitch, clock, prices, trials, loadTickers, loadIds });
  } finally {
    await prices.close();
  }
}

interface Desk extends ReturnType<typeof deskPipeline> {
  pool: BenchContext["pool"];
  clock: { now(): Date };
  trials: Awaited<ReturnType<typeof seedTrialAccounts>>;
  loadTickers: string[];
  loadIds: string[];
}

async function measure({ pool, pipeline, notifier, killSwitch, clock, prices, trials, loadTickers, loadIds }: Desk): Promise<void> {
  // One check per account fixes its start-of-day equity before any trade arrives.
  for (const id of [...trials.accountIds, ...loadIds]) await checkTriggers(killSwitch, id, "schedule");

  const fake = await AlpacaFake.start({ keys: { [KEY.id]: KEY.secret }, symbolLimit: 10_000 });
  const stream = new AlpacaStream({ keyId: KEY.id, secretKey: KEY.secret, feed: "iex", streamUrl: fake.streamUrl, silenceMs: 30_000 });
  const followed = [...trials.ownTickers, ...loadTickers];
  stream.follow(followed);
  await prices.openTickConnection();
  await stream.start(pipeline, ignore);
  await Promise.all(followed.map((t) => fake.subscribed(t)));
  say(`\n    streaming: AlpacaStream on ${fake.streamUrl}/v2/iex, ${formatInt(followed.length)} tickers subscribed`);

  const stored = new StoreLatency();
  const halts = new HaltLatency();
  pipeline.observe((e) => {
    stored.observe(e);
    halts.observe(e);
  });
  const times = new TradeClock(clock);
  const trialName = (i: number) => `bench-risk-trial-${String(i).padStart(4, "0")}`;
  // 250 @ 100 -> 79 is -5.2% of equity against the 5% daily-loss line.
  const crash = (i: number) => {
    const ticker = trials.ownTickers[i]!;
    const sentAt = fake.trade(ticker, "79", 100, new Date(times.next(ticker)).toISOString());
    return halts.expect(trialName(i), ticker, sentAt);
  };

  say(`\n[1] tick-to-halt over the stream, nothing else streaming: ${IDLE_TRIALS} crash trades, one at a time`);
  for (let i = 0; i < IDLE_TRIALS; i++) await crash(i);
  const idle = summarize(halts.samples.slice(10));
  say(`    ${formatSummary(idle)}`);
  record(`tick-to-halt p99, stream idle (${idle.n} trials)`, `${formatMs(idle.p99)} (p50 ${formatMs(idle.p50)}, p95 ${formatMs(idle.p95)})`, `<= ${TARGET.tickToHaltP99Ms} ms`, check(idle.p99, "<=", TARGET.tickToHaltP99Ms));

  say(`\n[2] sustained load: ${LOAD_TICKERS} tickers, ${LOAD_ACCOUNTS} accounts holding ${PER_ACCOUNT} each, ${formatInt(OFFERED)} trades/s offered for ${SECONDS} s in frames of 20, ${LOADED_TRIALS} crash trades among them`);
  halts.samples.length = 0;
  halts.toStored.length = 0;
  const checkedBefore = notifier.alerts.length;
  let checks = 0;
  let checkedAccounts = 0;
  pipeline.observe((e) => {
    if (e.kind === "checked") {
      checks += 1;
      checkedAccounts += e.checks.length;
    }
  });
  const statsBefore = { ...pipeline.stats };
  // How long the desk's event loop was blocked during the load: a tail here is a tail everywhere.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const started = performance.now();
  let sent = 0;
  let trial = IDLE_TRIALS;
  const crashes: Promise<void>[] = [];
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      const due = Math.min(Math.floor(OFFERED * elapsed), OFFERED * SECONDS);
      while (sent < due) {
        const frame = Array.from({ length: Math.min(20, due - sent) }, (_, k) => {
          const ticker = loadTickers[(sent + k) % LOAD_TICKERS]!;
          const timeMs = times.next(ticker);
          const price = (100 + Math.sin((sent + k) / 37) * 0.4).toFixed(2);
          return { ticker, price, size: 10, time: new Date(timeMs).toISOString(), timeMs };
        });
        const sentAt = fake.trades(frame);
        for (const t of frame) stored.sent(t.ticker, t.timeMs, sentAt);
        sent += frame.length;
      }
      if (trial < IDLE_TRIALS + LOADED_TRIALS && elapsed > ((trial - IDLE_TRIALS + 1) * SECONDS) / (LOADED_TRIALS + 1)) crashes.push(crash(trial++));
      if (sent >= OFFERED * SECONDS && trial >= IDLE_TRIALS + LOADED_TRIALS) {
        clearInterval(timer);
        done();
      }
    }, 5);
  });
  await Promise.all(crashes);
  loopDelay.disable();
  // Every trade sent has reached the pipeline before the stream is closed.
  await new Promise<void>((done) => {
    const settled = () => stored.unsettled() === 0 && (done(), true);
    if (!settled()) pipeline.observe((e) => void (e.kind === "stored" && settled()));
  });
  await stream.stop();
  await pipeline.drained();
  const elapsedS = (performance.now() - started) / 1000;
  const received = pipeline.stats.received - statsBefore.received;
  const rate = received / elapsedS;
  const latency = summarize(stored.samples);
  const loaded = summarize(halts.samples);
  say(`    ${formatInt(sent)} trades sent, ${formatInt(received)} received by the pipeline, ${formatInt(stored.unsettled())} never stored; ${formatInt(pipeline.stats.batches - statsBefore.batches)} store batches, ${formatInt(checks)} check rounds (${formatInt(checkedAccounts)} account checks)`);
  say(`    throughput: ${formatRate(rate, "ticks")} through the pipeline (send to last check ${elapsedS.toFixed(2)} s)`);
  say(`    tick-to-stored: ${formatSummary(latency)}`);
  say(`    store statements during the run: ${formatSummary(summarize(storeStatementMs))}`);
  say(`    event-loop delay of the process (desk and fake): p50 ${formatMs(loopDelay.percentile(50) / 1e6)}, p99 ${formatMs(loopDelay.percentile(99) / 1e6)}, max ${formatMs(loopDelay.max / 1e6)}`);
  say(`    tick-to-halt under load: ${formatSummary(loaded)}; halt alerts ${notifier.alerts.length - checkedBefore}`);
  say(`      of which frame to stored: ${formatSummary(summarize(halts.toStored))}`);
  const slowest = halts.trials.filter((t) => t.sentAt >= started).sort((a, b) => b.toHalt - a.toHalt).slice(0, 3);
  say(`      slowest: ${slowest.map((t) => `${formatMs(t.toHalt)} (sent at +${formatMs(t.sentAt - started)}, stored after ${formatMs(t.toStored)})`).join("; ")}`);
  record(`ticks/s, ${LOAD_TICKERS} tickers x ${LOAD_ACCOUNTS} accounts`, formatRate(rate, "ticks"), `>= ${formatInt(TARGET.ticksPerSecond)}/s`, check(rate, ">=", TARGET.ticksPerSecond));
  record("  tick-to-stored p99", `${formatMs(latency.p99)} (p50 ${formatMs(latency.p50)}, p95 ${formatMs(latency.p95)})`, `<= ${TARGET.tickToStoredP99Ms} ms`, check(latency.p99, "<=", TARGET.tickToStoredP99Ms));
  record(`  tick-to-halt p99 under load (${loaded.n})`, `${formatMs(loaded.p99)} (p50 ${formatMs(loaded.p50)}, p95 ${formatMs(loaded.p95)})`, `<= ${TARGET.tickToHaltP99Ms} ms`, check(loaded.p99, "<=", TARGET.tickToHaltP99Ms));
  if (stored.unsettled() > 0) throw new Error(`${stored.unsettled()} trades were never stored`);
  await fake.close();

  await measurePolling({ pool, pipeline, killSwitch, clock, record, streaming: { tickToHaltP50: idle.p50, ticksPerSecond: rate } });
  results.printSummary();
}

runBenchmark("bench:market-data", () => withBenchDatabase({ database: DATABASE, poolSize: 20, keepConnections: KEPT_CONNECTIONS, applicationName: "bench-market-data" }, run));
