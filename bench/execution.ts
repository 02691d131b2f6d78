/**
 * Order-execution benchmark: `npm run bench:execution`.
 *
 * Starts its own durable (fsync on) embedded PostgreSQL under data/bench, or uses the server of
 * BENCH_DATABASE_URL (a URL to any database there; the benchmark creates and drops its own
 * `warroom_bench_exec`). Measures
 *   1. orders per second through the whole of executeOrder (validate -> guard + pre-trade checks +
 *      insert -> paper broker -> booking the fill -> trigger re-check -> notifier) on 50 ACTIVE
 *      accounts: one sequential submitter, then 8 concurrent submitters on disjoint accounts;
 *      afterwards the books are reconciled against the fills table (an error if they disagree);
 *   2. replay speed: src/app/replay/run-replay.ts (runReplay, sma-cross) over the whole of
 *      test/fixtures/prices/nvda-daily.csv (1999-2014, 4,012 daily bars), in bars per second.
 * Prints a summary with targets. Missing a target is a result, not an error: the exit code is
 * non-zero only when something fails.
 *
 * Knobs (env): BENCH_DATABASE_URL, BENCH_KEEP_DB=1 (leave the database for inspection).
 */
import { readFile } from "node:fs/promises";
import { availableParallelism, loadavg } from "node:os";
import { DateTime } from "luxon";
import type pg from "pg";
import type { DataSource } from "typeorm";
import { ReplayAccountRepository } from "../src/adapters/db/repositories/replay-account-repository.js";
import { executeOrder, type OrderOutcome } from "../src/app/orders/execute-order.js";
import { systemClock } from "../src/app/ports/clock.js";
import { ReplayClock, runReplay } from "../src/app/replay/run-replay.js";
import { Dec } from "../src/domain/decimal.js";
import type { OrderRequest } from "../src/domain/orders/order-request.js";
import { NYSE_TIME_ZONE } from "../src/domain/market-calendar.js";
import { SMA_CROSS_DEFAULTS } from "../src/domain/strategies/sma-cross.js";
import { parseYahooCsv } from "../src/domain/yahoo-csv.js";
import { describeServer, Results, runBenchmark, say, settle, withBenchDatabase, type BenchContext } from "./harness.js";
import { buildDeps, checkLedger, reconcile, StepTimer, timedReplayAccounts, type Reconciliation } from "./execution-support.js";
import { assertClockInSession, createAccounts, NOW, quote, THRESHOLDS } from "./risk-fixtures.js";
import { check, formatInt, formatMs, formatRate, formatSummary, msSince, summarize } from "./stats.js";

const DATABASE = "warroom_bench_exec";
const POOL_SIZE = 16;
const ACCOUNTS = 50;
const STARTING_CASH = "1000000";
/** Far above what the run places per account: the desk's 20 a day would halt every account after its 21st order. */
const BENCH_DAILY_TRADE_LIMIT = 1_000_000;
/** Fresh quotes (30 s before the fixed clock); whole cents, moved by the 5 bps of slippage to 6 places: the booking rounds most fill amounts to the cent. */
const TICKERS: readonly (readonly [string, string])[] = [
  ["EXA", "100.00"],
  ["EXB", "52.37"],
  ["EXC", "250.10"],
  ["EXD", "19.99"],
  ["EXE", "75.55"],
];
const WARMUP_ORDERS = 200;
const SEQUENTIAL_ORDERS = 2_000;
const CONCURRENT_SUBMITTERS = 8;
const CONCURRENT_ORDERS = 4_000;

const REPLAY_CSV = "test/fixtures/prices/nvda-daily.csv";
const REPLAY_TICKER = "NVDA";
const REPLAY_CAPITAL = "100000";
const RUN_REPLAY_MODULE = "src/app/replay/run-replay.ts";

const TARGET = {
  ordersPerSecond: 500,
};

const results = new Results();
const record = results.record.bind(results);

async function run({ dataSource, pool }: BenchContext): Promise<void> {
  say(`${await describeServer(pool)}; pool of ${POOL_SIZE} connections`);
  say(`machine: ${availableParallelism()} CPU(s), load average ${loadavg().map((v) => v.toFixed(2)).join(" / ")} (1 / 5 / 15 min) before the run; PostgreSQL runs on the same machine`);

  assertClockInSession();

  await measureOrders(dataSource, pool);
  await measureReplay(dataSource, pool);

  results.printSummary();
}

/** The stream of orders of one account: BUY n, SELL n of the same ticker, next ticker, n alternating 100 / 200. */
class OrderStream {
  private readonly counts: number[];

  constructor(private readonly accountIds: readonly string[]) {
    this.counts = accountIds.map(() => 0);
  }

  next(accountIndex: number): OrderRequest {
    const k = this.counts[accountIndex]!;
    this.counts[accountIndex] = k + 1;
    const pair = Math.floor(k / 2);
    const [ticker] = TICKERS[(pair + accountIndex) % TICKERS.length]!;
    return {
      accountId: this.accountIds[accountIndex]!,
      idempotencyKey: `bench-exec-${accountIndex}-${k}`,
      source: "operator",
      side: k % 2 === 0 ? "BUY" : "SELL",
      ticker,
      quantity: 100 * (1 + (pair % 2)),
      requestedBy: "bench",
    };
  }
}

/** CPU this Node process used since `since` (process.cpuUsage()), as a share of one core over `wallMs`. */
function nodeCpu(since: NodeJS.CpuUsage, wallMs: number): string {
  const used = process.cpuUsage(since);
  const ms = (used.user + used.system) / 1000;
  return `this Node process used ${formatMs(ms)} CPU = ${((ms / wallMs) * 100).toFixed(0)}% of one core`;
}

function expectFilled(outcome: OrderOutcome, request: OrderRequest): void {
  if (outcome.status !== "filled") throw new Error(`order ${request.idempotencyKey} (${request.side} ${request.quantity} ${request.ticker}) was not filled: ${JSON.stringify(outcome)}`);
}

/** 1. Orders through the whole of executeOrder, sequential and concurrent, then the books reconciled. */
async function measureOrders(dataSource: DataSource, pool: pg.Pool): Promise<void> {
  say(`\n[1] executeOrder end to end on the paper broker: ${ACCOUNTS} ACTIVE shadow accounts with $${formatInt(Number(STARTING_CASH))} cash each, ${TICKERS.length} tickers`);
  say(`    (${TICKERS.map(([t, p]) => `${t} ${p}`).join(", ")}) quoted 30 s before the fixed clock ${NOW.toISOString()} (market open);`);
  say(`    each account alternates BUY n / SELL n of one ticker (n = 100 or 200 shares, at most 5% of equity: concentration stays far under 30%)`);
  say(`    daily trade limit raised from the desk's ${THRESHOLDS.dailyTradeLimit} to ${formatInt(BENCH_DAILY_TRADE_LIMIT)} in thresholds.dailyTradeLimit (used by the pre-trade check too),`);
  say(`    so no account is refused or halted; everything else as the integration tests: slippage 5 bps, $1 commission, 5% default stop`);
  let t = process.hrtime.bigint();
  const accountIds = await createAccounts(
    pool,
    Array.from({ length: ACCOUNTS }, (_, i) => `bench-exec-${String(i).padStart(3, "0")}`),
    STARTING_CASH,
  );
  const timer = new StepTimer();
  const { deps, prices, notifier } = buildDeps(dataSource, { clock: { now: () => NOW }, timer, dailyTradeLimit: BENCH_DAILY_TRADE_LIMIT });
  await prices.upsert(TICKERS.map(([ticker, close]) => quote(ticker, close, new Date(NOW.getTime() - 30_000))), "update");
  say(`    seeded in ${formatMs(msSince(t))}`);

  const stream = new OrderStream(accountIds);
  const outcomes: OrderOutcome[] = [];
  const place = async (accountIndex: number): Promise<number> => {
    const request = stream.next(accountIndex);
    const start = process.hrtime.bigint();
    const outcome = await executeOrder(deps, request);
    const ms = msSince(start);
    outcomes.push(outcome);
    expectFilled(outcome, request);
    return ms;
  };

  // Warm-up: the first order of each account also fixes its start-of-day equity.
  t = process.hrtime.bigint();
  for (let i = 0; i < WARMUP_ORDERS; i += 1) await place(i % ACCOUNTS);
  say(`    warm-up: ${formatInt(WARMUP_ORDERS)} orders in ${formatMs(msSince(t))}`);
  await settle(pool, "accounts, kill_switch_states, orders, fills, positions, stock_prices, equity_snapshots");

  // (a) one submitter, round robin over the accounts.
  timer.reset();
  say(`\n    (a) sequential: ${formatInt(SEQUENTIAL_ORDERS)} orders, one at a time, round robin over the ${ACCOUNTS} accounts`);
  const sequentialMs: number[] = [];
  let cpu = process.cpuUsage();
  t = process.hrtime.bigint();
  for (let i = 0; i < SEQUENTIAL_ORDERS; i += 1) sequentialMs.push(await place(i % ACCOUNTS));
  const sequentialWall = msSince(t);
  const seq = summarize(sequentialMs);
  const seqRate = (SEQUENTIAL_ORDERS / sequentialWall) * 1000;
  say(`    ${formatInt(SEQUENTIAL_ORDERS)} orders in ${formatMs(sequentialWall)} -> ${formatRate(seqRate, "orders")}; ${nodeCpu(cpu, sequentialWall)}`);
  say(`    per order: ${formatSummary(seq)}`);
  say("    by step (sequential, so per-call times are the order's own):");
  for (const line of timer.lines(SEQUENTIAL_ORDERS, "order", seq.mean * seq.n)) say(`      ${line}`);
  await settle(pool, "accounts, kill_switch_states, orders, fills, positions, equity_snapshots");

  // (b) 8 submitters, each on its own accounts (no two submitters share a kill-switch row lock).
  timer.reset();
  say(`\n    (b) concurrent: ${CONCURRENT_SUBMITTERS} submitters, ${formatInt(CONCURRENT_ORDERS)} orders; submitter w trades the accounts i with i mod ${CONCURRENT_SUBMITTERS} = w, round robin`);
  const concurrentMs: number[] = [];
  let next = 0;
  cpu = process.cpuUsage();
  t = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENT_SUBMITTERS }, async (_, worker) => {
      const mine = accountIds.map((_, i) => i).filter((i) => i % CONCURRENT_SUBMITTERS === worker);
      let turn = 0;
      while (next < CONCURRENT_ORDERS) {
        next += 1;
        concurrentMs.push(await place(mine[turn % mine.length]!));
        turn += 1;
      }
    }),
  );
  const concurrentWall = msSince(t);
  const con = summarize(concurrentMs);
  const conRate = (CONCURRENT_ORDERS / concurrentWall) * 1000;
  say(`    ${formatInt(CONCURRENT_ORDERS)} orders in ${formatMs(concurrentWall)} -> ${formatRate(conRate, "orders")}; ${nodeCpu(cpu, concurrentWall)}`);
  say(`    per order: ${formatSummary(con)}`);
  say("    by step (per-call times include waiting for a pooled connection; ms/order sums over all submitters):");
  for (const line of timer.lines(CONCURRENT_ORDERS, "order", con.mean * con.n)) say(`      ${line}`);

  // The books: one fill per filled order, cash and positions as the fills table says.
  t = process.hrtime.bigint();
  const books = await reconcile(pool, accountIds, STARTING_CASH, outcomes, notifier);
  const halted = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM kill_switch_states WHERE account_id = ANY($1::uuid[]) AND state <> 'ACTIVE'", [accountIds]);
  const haltedCount = halted.rows[0]?.n ?? 0;
  say(`\n    books (${formatMs(msSince(t))}): ${describeBooks(books)}; accounts not ACTIVE: ${haltedCount}`);
  if (books.problems.length > 0 || haltedCount > 0) {
    throw new Error(`the books do not reconcile after the order runs (${books.problems.length} problem(s), ${haltedCount} account(s) not ACTIVE):\n  ${books.problems.slice(0, 20).join("\n  ")}`);
  }

  record(
    `orders/s, ${CONCURRENT_SUBMITTERS} concurrent submitters`,
    `${formatRate(conRate, "orders")} (${formatInt(CONCURRENT_ORDERS)} orders; p50 ${formatMs(con.p50)}, p99 ${formatMs(con.p99)})`,
    `>= ${TARGET.ordersPerSecond} orders/s`,
    check(conRate, ">=", TARGET.ordersPerSecond),
  );
  record(
    "  orders/s, one sequential submitter",
    `${formatRate(seqRate, "orders")} (${formatInt(SEQUENTIAL_ORDERS)} orders; p50 ${formatMs(seq.p50)}, p95 ${formatMs(seq.p95)}, p99 ${formatMs(seq.p99)})`,
    "-",
    "info",
  );
  record("  books reconcile (fills = filled outcomes; cash, positions, realised P&L)", `${formatInt(books.fills)} fills = ${formatInt(books.filledOutcomes)} filled; ${books.accounts}/${ACCOUNTS} accounts exact`, "exact", "PASS");
}

function describeBooks(b: Reconciliation): string {
  return (
    `${formatInt(b.orders)} orders, all filled; ${formatInt(b.fills)} fills in the table = ${formatInt(b.filledOutcomes)} filled outcomes ` +
    `(${formatInt(b.bookedFills)} booked fills, ${formatInt(b.fillAlerts)} fill alerts); cash, position quantities and realised P&L of all ${b.accounts} accounts ` +
    `match the fills table exactly (${b.roundedFills} fill amounts needed rounding to the cent)${b.problems.length > 0 ? ` - NOT: ${b.problems.length} problem(s)` : ""}`
  );
}

/**
 * 2. Replay speed: src/app/replay/run-replay.ts (runReplay) over the whole NVDA file on a fresh
 * shadow account. Per bar it runs the 09:29 kill-switch check, the 16:00 price batch through
 * recordPriceBatch (which re-checks the holder), the sma-cross strategy's order and any stop-loss
 * exit through executeOrder, and the end-of-day equity.
 */
async function measureReplay(dataSource: DataSource, pool: pg.Pool): Promise<void> {
  const params = SMA_CROSS_DEFAULTS;
  say(`\n[2] replay speed: ${RUN_REPLAY_MODULE} (runReplay), sma-cross(fast ${params.fast}, slow ${params.slow}, size ${params.sizePct}%) on ${REPLAY_CSV}`);
  let t = process.hrtime.bigint();
  const parsed = parseYahooCsv(await readFile(REPLAY_CSV, "utf8"), REPLAY_TICKER, NYSE_TIME_ZONE);
  const bars = parsed.bars;
  const first = bars[0];
  const last = bars.at(-1);
  if (!first || !last) throw new Error(`${REPLAY_CSV} has no bars`);
  const dayOf = (at: Date) => DateTime.fromJSDate(at, { zone: NYSE_TIME_ZONE }).toISODate()!;
  const from = dayOf(first.time);
  const to = dayOf(last.time);
  say(`    ${formatInt(bars.length)} ${REPLAY_TICKER} bars, ${from} .. ${to} (the full file), parsed in ${formatMs(msSince(t))}; capital $${formatInt(Number(REPLAY_CAPITAL))}; desk settings (daily trade limit ${THRESHOLDS.dailyTradeLimit})`);

  const clock = new ReplayClock();
  const timer = new StepTimer();
  const { deps, prices, notifier } = buildDeps(dataSource, { clock, timer, dailyTradeLimit: THRESHOLDS.dailyTradeLimit });
  const cpu = process.cpuUsage();
  t = process.hrtime.bigint();
  const result = await runReplay(
    { execution: deps, prices, accounts: timedReplayAccounts(new ReplayAccountRepository(dataSource), timer), clock, notifier, wallClock: systemClock },
    { ticker: REPLAY_TICKER, bars, from, to, capital: new Dec(REPLAY_CAPITAL), strategy: { name: "sma-cross", params } },
  );
  const wall = msSince(t);
  const rate = (result.bars / wall) * 1000;
  say(
    `    ${formatInt(result.bars)} bars in ${formatMs(wall)} -> ${formatRate(rate, "bars")} (runReplay's own figure: ${formatRate(result.barsPerSecond, "bars")}); ${nodeCpu(cpu, wall)}`,
  );
  const halts = result.halts.map((h) => `${h.date} ${h.trigger ?? "?"} (${h.reading})`).join(", ") || "none";
  say(`    ${result.trades.length} trades, ${result.refusals.length} refused orders, halts: ${halts}; final: ${result.final.quantity} ${REPLAY_TICKER}, cash ${result.final.cash.toFixed(2)}, kill switch ${result.final.halted ? "HALTED" : "ACTIVE"}`);
  say("    by step:");
  for (const line of timer.lines(result.bars, "bar", wall)) say(`      ${line}`);

  // The replay's books: its trades are the fills table, and cash and the position follow from them.
  const ledger = await checkLedger(pool, [result.accountId], REPLAY_CAPITAL);
  const problems = [...ledger.problems];
  if (ledger.fills !== result.trades.length) problems.push(`${ledger.fills} fills in the table for ${result.trades.length} replay trades`);
  const fillAlerts = notifier.alerts.filter((a) => a.kind === "fill").length;
  if (fillAlerts !== ledger.fills) problems.push(`${fillAlerts} fill alerts for ${ledger.fills} fills`);
  const cash = await pool.query<{ cash: string }>("SELECT cash::text AS cash FROM accounts WHERE id = $1", [result.accountId]);
  if (!result.final.cash.eq(cash.rows[0]?.cash ?? "-1")) problems.push(`runReplay reports cash ${result.final.cash.toFixed()}, the account has ${cash.rows[0]?.cash}`);
  say(`    books: ${ledger.fills} fills = ${result.trades.length} replay trades (${fillAlerts} fill alerts); cash, position and realised P&L match the fills table exactly (${ledger.roundedFills} of the fill amounts rounded to the cent, half-up, as the accounting does)${problems.length > 0 ? ` - NOT: ${problems.length} problem(s)` : ""}`);
  if (problems.length > 0) throw new Error(`the replay account's books do not reconcile:\n  ${problems.join("\n  ")}`);

  record(`replay bars/s (${RUN_REPLAY_MODULE})`, `${formatRate(rate, "bars")} (${formatInt(result.bars)} bars ${from} .. ${to}, ${result.trades.length} trades, ${result.halts.length} halt(s))`, "-", "info");
  record("  replay account books reconcile", `${ledger.fills} fills = ${result.trades.length} trades; cash, position, P&L exact`, "exact", "PASS");
}

runBenchmark("bench:execution", () => withBenchDatabase({ database: DATABASE, poolSize: POOL_SIZE, applicationName: "bench-execution" }, run));
