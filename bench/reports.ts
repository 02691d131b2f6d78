/**
 * Report benchmark: `npm run bench:reports`.
 *
 * The daily report as the 16:15 job builds it — every figure from PostgreSQL (monitor, status
 * with fresh trigger readings, the day's trades, a year of end-of-day equity, metrics since
 * inception) plus the equity and drawdown chart rendered to PNG — for an account with 20
 * positions, a year of snapshots and 500 closed trades. Prints p50/p95/p99 of the whole build,
 * and the same without the chart in the same run, so the chart's share is visible.
 */
import { DeskReaderRepository } from "../src/adapters/db/repositories/desk-reader-repository.js";
import { ProposalRepository } from "../src/adapters/db/repositories/proposal-repository.js";
import { TradeLogRepository } from "../src/adapters/db/repositories/trade-log-repository.js";
import { buildDailyReport, type ReportDeps } from "../src/app/reports/daily-report.js";
import { renderDailyReport } from "../src/adapters/telegram/render/daily-report.js";
import { Dec } from "../src/domain/decimal.js";
import { createLogger } from "../src/logger.js";
import { reportCharts } from "../src/main/report-charts.js";
import { createAccount, holdPosition } from "../test/support/accounts.js";
import { killSwitchDeps, MARKET_OPEN, price } from "../test/support/desk.js";
import { describeServer, Results, runBenchmark, say, withBenchDatabase, type BenchContext } from "./harness.js";
import { check, formatMs, formatSummary, msSince, summarize } from "./stats.js";

const DATABASE = "warroom_bench_reports";
const POSITIONS = 20;
const DAYS = 252;
const TRADES = 500;
const WARMUP = 5;
const RUNS = 60;
const TARGET_P95_MS = 500;
const results = new Results();
const log = createLogger("silent");

async function seed({ dataSource }: BenchContext): Promise<string> {
  const accountId = await createAccount(dataSource, { name: "Bench", cash: "100000" });
  for (let i = 0; i < POSITIONS; i += 1) {
    const ticker = `R${String(i).padStart(2, "0")}`;
    await price(dataSource, ticker, String(100 + i), new Date(MARKET_OPEN.getTime() - 30_000));
    await holdPosition(dataSource, accountId, ticker, 10, String(95 + i));
  }
  // A year of end-of-day marks with a drawdown in the middle.
  await dataSource.query(
    `INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value, taken_at)
     SELECT $1, 'end_of_day', d::date, 120000 + 8000 * sin(n / 20.0) - CASE WHEN n BETWEEN 100 AND 140 THEN 9000 ELSE 0 END, 100000, 20000, d + interval '21 hours'
     FROM generate_series(1, $2) AS n, LATERAL (SELECT (date '2026-11-23' - ($2 - n) * interval '1 day') AS d) x`,
    [accountId, DAYS],
  );
  const [order] = await dataSource.query<{ id: string }[]>(
    `INSERT INTO orders (account_id, idempotency_key, source, side, ticker, quantity, order_type, status, requested_by, trading_day)
     VALUES ($1, 'bench', 'operator', 'SELL', 'R00', 1, 'market', 'filled', 'bench', '2026-11-24') RETURNING id`,
    [accountId],
  );
  await dataSource.query(
    `INSERT INTO fills (order_id, account_id, ticker, side, quantity, price, commission, realized_pnl, broker_fill_id, filled_at)
     SELECT $1, $2, 'R00', 'SELL', 1, 100, 1, (n % 7) * 10 - 25, 'f' || n, timestamptz '2026-11-24 15:00Z' - n * interval '12 hours'
     FROM generate_series(1, $3) AS n`,
    [order!.id, accountId, TRADES],
  );
  return accountId;
}

async function measure(deps: ReportDeps, withChart: boolean): Promise<number[]> {
  const charts = withChart ? reportCharts() : undefined;
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i += 1) {
    const started = process.hrtime.bigint();
    const report = await renderDailyReport(await buildDailyReport(deps), charts, log);
    const ms = msSince(started);
    if (withChart && report.charts.length !== 1) throw new Error("the chart was not drawn");
    if (i >= WARMUP) samples.push(ms);
  }
  return samples;
}

async function run(ctx: BenchContext): Promise<void> {
  say(await describeServer(ctx.pool));
  await seed(ctx);
  say(`one account: ${POSITIONS} positions, ${DAYS} end-of-day marks, ${TRADES} closed trades\n`);
  const deps: ReportDeps = {
    reader: new DeskReaderRepository(ctx.dataSource),
    killSwitch: killSwitchDeps(ctx.dataSource),
    proposals: new ProposalRepository(ctx.dataSource),
    trades: new TradeLogRepository(ctx.dataSource),
    nearStopPct: new Dec(2),
  };
  const text = summarize(await measure(deps, false));
  const full = summarize(await measure(deps, true));
  say(`report text only:      ${formatSummary(text)}`);
  say(`report with its chart: ${formatSummary(full)}`);
  say(`the chart's share of p50: ${((1 - text.p50 / full.p50) * 100).toFixed(0)}%`);
  results.record("daily report + chart p95", formatMs(full.p95), `<= ${TARGET_P95_MS} ms`, check(full.p95, "<=", TARGET_P95_MS));
  results.record("daily report text p95", formatMs(text.p95), "", "info");
  results.printSummary();
}

runBenchmark("reports", () => withBenchDatabase({ database: DATABASE, poolSize: 10, applicationName: "bench-reports" }, run));
