/**
 * Kill-switch and order-guard benchmark: `npm run bench:risk`.
 *
 * Starts its own durable (fsync on) embedded PostgreSQL under data/bench, or uses the server of
 * BENCH_DATABASE_URL (a URL to any database there; the benchmark creates and drops its own
 * `warroom_bench_risk`). Measures
 *   1. evaluateTriggers on a 100-position snapshot, in process;
 *   2. tick-to-halt: a crashing price bar through recordPriceBatch until the halt alert is out;
 *   3. the order guard (whenAdmitted on TradingGateRepository.lockAccount) against a plain INSERT of the same
 *      order row, and 8 concurrent submitters on one account.
 * Prints a summary with targets. Missing a target is a result, not an error: the exit code is
 * non-zero only when something fails.
 *
 * Knobs (env): BENCH_DATABASE_URL, BENCH_KEEP_DB=1 (leave the database for inspection).
 */
import { benchKillSwitch } from "./kill-switch-deps.js";
import { TRIGGERS } from "../src/domain/vocabulary.js";
import type pg from "pg";
import type { DataSource } from "typeorm";
import { KillSwitchRepository } from "../src/adapters/db/repositories/kill-switch-repository.js";
import { PriceRepository } from "../src/adapters/db/repositories/price-repository.js";
import { SnapshotRepository } from "../src/adapters/db/repositories/snapshot-repository.js";
import { RecordingNotifier } from "../src/adapters/notifier/recording-notifier.js";
import { checkTriggers } from "../src/app/kill-switch/check-triggers.js";
import type { KillSwitchStore } from "../src/app/ports/kill-switch-store.js";
import type { PriceStore } from "../src/app/ports/price-store.js";
import type { SnapshotSource } from "../src/app/ports/snapshot-source.js";
import { recordPriceBatch } from "../src/app/prices/record-price-batch.js";
import { evaluateTriggers } from "../src/domain/kill-switch/triggers.js";
import { describeServer, Results, runBenchmark, say, settle, withBenchDatabase, type BenchContext } from "./harness.js";
import { assertClockInSession, evaluationSnapshot, NOW, quote, seedTrialAccounts, THRESHOLDS, TRADING_DAY } from "./risk-fixtures.js";
import { measureGuard } from "./risk-guard.js";
import { check, formatInt, formatMs, formatRate, formatSummary, msSince, summarize } from "./stats.js";

const DATABASE = "warroom_bench_risk";
const EVAL_POSITIONS = 100;
const EVAL_WARMUP = 5_000;
const EVAL_ITERATIONS = 25_000;
const TRIALS = 300;
const WARMUP_TRIALS = 20;
const SHARED_POSITIONS = 20;
const SHARED_TICKERS = 40;
const HISTORY_DAYS = 250;
const POOL_SIZE = 12;

const TARGET = {
  evaluateP99Ms: 2,
  tickToHaltP99Ms: 50,
};

const results = new Results();
const record = results.record.bind(results);

async function run({ dataSource, pool }: BenchContext): Promise<void> {
  say(await describeServer(pool));

  assertClockInSession();

  measureEvaluation();
  await measureTickToHalt(dataSource, pool);
  await measureGuard(dataSource, pool, results);

  results.printSummary();
}

/** 1. The pure trigger evaluation, as checkTriggers runs it after reading the snapshot. */
function measureEvaluation(): void {
  const snapshot = evaluationSnapshot(EVAL_POSITIONS);
  say(`\n[1] evaluateTriggers: snapshot with ${EVAL_POSITIONS} positions (Dec prices, fresh quotes, market open), ${formatInt(EVAL_WARMUP)} warm-up + ${formatInt(EVAL_ITERATIONS)} timed evaluations`);
  const first = evaluateTriggers(snapshot, THRESHOLDS);
  const firing = first.filter((r) => r.fired).map((r) => r.trigger);
  // Every automatic trigger (TRIGGERS less "manual"), phase_loss included since issue 14.
  const automatic = TRIGGERS.length - 1;
  if (first.length !== automatic || firing.length > 0) throw new Error(`the evaluation snapshot should read ${automatic} triggers, none fired; got ${first.length}, fired: ${firing.join(", ")}`);
  say(`    readings: ${first.map((r) => `${r.trigger}=${r.value}${r.unit === "count" ? "" : r.unit}`).join(", ")}`);

  let sink = 0; // keeps the results observably used
  for (let i = 0; i < EVAL_WARMUP; i += 1) sink += evaluateTriggers(snapshot, THRESHOLDS).length;
  const samples = new Array<number>(EVAL_ITERATIONS);
  const t = process.hrtime.bigint();
  for (let i = 0; i < EVAL_ITERATIONS; i += 1) {
    const c = process.hrtime.bigint();
    sink += evaluateTriggers(snapshot, THRESHOLDS).length;
    samples[i] = Number(process.hrtime.bigint() - c) / 1e6;
  }
  const wallMs = msSince(t);
  if (sink !== automatic * (EVAL_WARMUP + EVAL_ITERATIONS)) throw new Error("evaluateTriggers returned an unexpected number of readings");
  const summary = summarize(samples);
  const rate = (EVAL_ITERATIONS / wallMs) * 1000;
  say(`    ${formatSummary(summary)}`);
  say(`    ${formatRate(rate, "evaluations")} on one core (${formatMs(wallMs)} wall for ${formatInt(EVAL_ITERATIONS)})`);
  say(`    evaluations over ${TARGET.evaluateP99Ms} ms: ${samples.filter((v) => v > TARGET.evaluateP99Ms).length}`);
  record(`evaluateTriggers(${EVAL_POSITIONS} positions) p99`, `${formatMs(summary.p99)} (p50 ${formatMs(summary.p50)}, p95 ${formatMs(summary.p95)})`, `<= ${TARGET.evaluateP99Ms} ms`, check(summary.p99, "<=", TARGET.evaluateP99Ms));
  record("  evaluateTriggers throughput", formatRate(rate, "evaluations"), "-", "info");
}

/** Marks taken by the instrumented ports during one trial (process.hrtime.bigint()). */
interface TrialMarks {
  upserted?: bigint;
  holdersFound?: bigint;
  snapshotRead?: bigint;
  lockCommitted?: bigint;
}

/**
 * The repositories behind a thin layer that only notes when each call finished, so a trial's
 * span can be split into its steps. The calls themselves go straight to the real repositories.
 */
function instrument(prices: PriceStore, store: KillSwitchStore, snapshots: SnapshotSource, marks: () => TrialMarks | undefined) {
  const stamp = <T>(key: keyof TrialMarks) => (value: T): T => {
    const m = marks();
    if (m) m[key] = process.hrtime.bigint();
    return value;
  };
  const timedPrices: PriceStore = {
    latest: (ticker) => prices.latest(ticker),
    latestMany: (tickers) => prices.latestMany(tickers),
    upsert: (bars, onConflict) => prices.upsert(bars, onConflict).then(stamp("upserted")),
    followedTickers: (watchlist) => prices.followedTickers(watchlist),
    storedTimes: (ticker, times) => prices.storedTimes(ticker, times),
    recordTicks: (bars) => prices.recordTicks(bars),
  };
  const timedStore: KillSwitchStore = {
    accountIds: () => store.accountIds(),
    accountIdsHolding: (tickers) => store.accountIdsHolding(tickers).then(stamp("holdersFound")),
    status: (accountId) => store.status(accountId),
    withLock: (accountId, work) => store.withLock(accountId, work).then(stamp("lockCommitted")),
    recordQuietReadings: (accountId, input) => store.recordQuietReadings(accountId, input),
    recordBrokerCall: (accountId, ok) => store.recordBrokerCall(accountId, ok),
    claimOverrideAttempt: (input) => store.claimOverrideAttempt(input),
    settleOverrideAttempt: (input) => store.settleOverrideAttempt(input),
  };
  const timedSnapshots: SnapshotSource = { load: (request) => snapshots.load(request).then(stamp("snapshotRead")) };
  return { timedPrices, timedStore, timedSnapshots };
}

/** 2. A price bar that breaches the daily loss, from the call to recordPriceBatch to the halt alert. */
async function measureTickToHalt(dataSource: DataSource, pool: pg.Pool): Promise<void> {
  const total = WARMUP_TRIALS + TRIALS;
  say(`\n[2] tick-to-halt: ${WARMUP_TRIALS} warm-up + ${TRIALS} timed trials, each on its own ACTIVE account; fixed clock ${NOW.toISOString()} (market open)`);
  let t = process.hrtime.bigint();
  const seed = await seedTrialAccounts(pool, { accounts: total, shared: SHARED_POSITIONS, sharedPool: SHARED_TICKERS, historyDays: HISTORY_DAYS });
  say(
    `    seeded ${formatInt(total)} accounts, ${formatInt(seed.positions)} positions (1 own + ${SHARED_POSITIONS} shared each, over ${SHARED_TICKERS} shared tickers), ` +
      `${formatInt(seed.priceRows)} price rows (${HISTORY_DAYS} days of history + a quote at NOW-60s per ticker) in ${formatMs(msSince(t))}`,
  );

  let current: TrialMarks | undefined;
  const { timedPrices, timedStore, timedSnapshots } = instrument(new PriceRepository(dataSource), new KillSwitchRepository(dataSource), new SnapshotRepository(dataSource), () => current);
  const notifier = new RecordingNotifier();
  const killSwitch = benchKillSwitch({ dataSource, clock: { now: () => NOW }, notifier, thresholds: THRESHOLDS, store: timedStore, snapshots: timedSnapshots });
  const deps = { prices: timedPrices, killSwitch };

  // One check per account fixes its start-of-day equity (101,000) before any crash.
  t = process.hrtime.bigint();
  await forEachConcurrently(seed.accountIds, 4, async (accountId) => {
    const first = await checkTriggers(killSwitch, accountId, "schedule");
    const daily = first.readings.find((r) => r.trigger === "daily_loss");
    if (first.halted || first.fired.length > 0 || daily?.value !== "0.0000") {
      throw new Error(`start-of-day check of ${accountId}: halted=${first.halted}, fired=${first.fired.map((r) => r.trigger).join(",")}, daily_loss=${daily?.value}`);
    }
  });
  const sod = await pool.query<{ n: number; equity: string }>(
    `SELECT count(*)::int AS n, min(equity)::text AS equity FROM equity_snapshots WHERE account_id = ANY($1::uuid[]) AND kind = 'start_of_day' AND trading_day = $2`,
    [seed.accountIds, TRADING_DAY],
  );
  if (sod.rows[0]?.n !== total) throw new Error(`expected ${total} start-of-day snapshots, found ${sod.rows[0]?.n}`);
  say(`    start-of-day checks: ${formatInt(total)} in ${formatMs(msSince(t))}; start-of-day equity ${sod.rows[0]?.equity} each, no trigger fired`);
  await settle(pool, "accounts, kill_switch_states, positions, stock_prices, equity_snapshots");

  // 75,000 + 250 x 79 + 20 x 50 = 95,750: -5.198% vs the -5% line; the own position is then 20.6%.
  const crashTime = new Date(NOW.getTime() - 500);
  const spans: number[] = [];
  const steps = { upsert: [] as number[], holders: [] as number[], snapshot: [] as number[], locked: [] as number[], notify: [] as number[] };
  for (let i = 0; i < total; i += 1) {
    const accountId = seed.accountIds[i]!;
    const ticker = seed.ownTickers[i]!;
    const bar = quote(ticker, "79", crashTime);
    const marks: TrialMarks = {};
    current = marks;
    const alerted = notifier.next((a) => a.accountId === accountId && a.kind === "halted").then(() => process.hrtime.bigint());
    const start = process.hrtime.bigint();
    const batch = await recordPriceBatch(deps, [bar]);
    current = undefined;
    if (batch.failures.length > 0) throw new Error(`trial ${i}: ${batch.failures.map((f) => f.error).join("; ")}`);
    if (batch.checks.length !== 1 || batch.checks[0]?.accountId !== accountId || !batch.checks[0].halted) {
      throw new Error(`trial ${i}: the batch re-checked ${batch.checks.map((c) => `${c.accountId} halted=${c.halted}`).join(", ") || "no account"}`);
    }
    // The halt alert went out inside the batch (checkTriggers awaits it): this only collects its timestamp.
    const end = await alerted;
    if (i < WARMUP_TRIALS) continue;
    const { upserted, holdersFound, snapshotRead, lockCommitted } = marks;
    if (!upserted || !holdersFound || !snapshotRead || !lockCommitted) throw new Error(`trial ${i}: a step was not observed`);
    const ms = (from: bigint, to: bigint) => Number(to - from) / 1e6;
    spans.push(ms(start, end));
    steps.upsert.push(ms(start, upserted));
    steps.holders.push(ms(upserted, holdersFound));
    steps.snapshot.push(ms(holdersFound, snapshotRead));
    steps.locked.push(ms(snapshotRead, lockCommitted));
    steps.notify.push(ms(lockCommitted, end));
  }

  // One separate read at the end: every trial account is HALTED in the database, by daily_loss.
  const states = await pool.query<{ state: string; trigger: string | null; n: number }>(
    `SELECT state, trigger, count(*)::int AS n FROM kill_switch_states WHERE account_id = ANY($1::uuid[]) GROUP BY state, trigger ORDER BY state, trigger`,
    [seed.accountIds],
  );
  const haltedRows = states.rows.find((r) => r.state === "HALTED" && r.trigger === "daily_loss")?.n ?? 0;
  const haltAlerts = notifier.alerts.filter((a) => a.kind === "halted").length;
  say(`    kill_switch_states of the trial accounts: ${states.rows.map((r) => `${r.state}/${r.trigger ?? "-"}=${r.n}`).join(", ")}; halt alerts recorded: ${haltAlerts}`);
  if (haltedRows !== total || haltAlerts !== total) throw new Error(`expected ${total} accounts HALTED by daily_loss and ${total} alerts; got ${haltedRows} and ${haltAlerts}`);

  const summary = summarize(spans);
  say(`    tick-to-halt: ${formatSummary(summary)}`);
  say("    the span covers: the price upsert and its commit, the holders query, the snapshot read, the");
  say("    trigger evaluation, the locked halt transaction and its commit, and the notifier hand-off");
  const line = (label: string, v: number[]) => {
    const x = summarize(v);
    return `      ${label.padEnd(38)} p50 ${formatMs(x.p50).padStart(9)}   p99 ${formatMs(x.p99).padStart(9)}   max ${formatMs(x.max).padStart(9)}`;
  };
  say("    by step:");
  say(line("price upsert + commit", steps.upsert));
  say(line("accountIdsHolding", steps.holders));
  say(line("calendar + snapshot read", steps.snapshot));
  say(line("evaluate + locked halt tx + commit", steps.locked));
  say(line("notifier hand-off", steps.notify));
  say(`    trials over ${TARGET.tickToHaltP99Ms} ms: ${spans.filter((v) => v > TARGET.tickToHaltP99Ms).length}`);
  record(
    `tick-to-halt p99 (${TRIALS} trials)`,
    `${formatMs(summary.p99)} (p50 ${formatMs(summary.p50)}, p95 ${formatMs(summary.p95)}, max ${formatMs(summary.max)})`,
    `<= ${TARGET.tickToHaltP99Ms} ms`,
    check(summary.p99, "<=", TARGET.tickToHaltP99Ms),
  );
  record("  trial accounts HALTED (separate query)", `${haltedRows} of ${total}`, `${total} of ${total}`, haltedRows === total ? "PASS" : "FAIL");
}

/** Runs `work` over `items` with at most `limit` in flight; the first failure is thrown. */
async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next] as T;
        next += 1;
        await work(item);
      }
    }),
  );
}

runBenchmark("bench:risk", () => withBenchDatabase({ database: DATABASE, poolSize: POOL_SIZE, applicationName: "bench-risk" }, run));
