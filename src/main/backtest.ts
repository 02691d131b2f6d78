import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { loadBars, loadBarsFromStore, type LoadedBars } from "../app/backtest/load-bars.js";
import { renderBacktestReport } from "../app/backtest/render-report.js";
import { backtestJson } from "../app/backtest/result-json.js";
import { type BacktestReport, runBacktestReport } from "../app/backtest/run-backtest.js";
import { BacktestInputError } from "../domain/backtest/bar.js";
import { parseRange, parseUniverse } from "../domain/backtest/universe.js";
import { BACKTEST_OPTIONS, parseBacktestOptions } from "./backtest-options.js";
import { EX_CONFIG, loadCliConfig } from "./cli-config.js";

/*
 * The chart renderer (vega, resvg) and the database runtime (TypeORM, embedded PostgreSQL) take
 * seconds to load: they are imported only by a run that asks for them (--chart, --prices db), so
 * --help, a bad input and a plain run answer at once.
 */

const USAGE = `usage: npm run backtest -- --tickers NVDA,ORCL,YHOO --data DIR --from YYYY-MM-DD --to YYYY-MM-DD
                        [--strategy warroom|sma-cross] [--halts resume-next-session|stay]
                        [--csv TICKER=FILE ...] [--prices files|db] [--capital 100000] [--json FILE|-] [--chart FILE.png]
                        [--slippage-bps 5] [--commission-per-order 0] [--commission-per-share 0] [--commission-min 0]
                        warroom:   [--risk-pct 1] [--act 0.55] [--max-position-pct 20] [--stop-pct 5]
                        sma-cross: [--fast 10] [--slow 30] [--size-pct 20]

Plays the tickers' daily bars (Yahoo CSV files DIR/<ticker>-daily.csv, as demo/prices/ holds
them) as one portfolio through the desk's own rules, in memory: nothing is written to a
database, and none is needed. With --prices db the bars are read from the desk's price table
instead (DATABASE_URL, or the embedded PostgreSQL of DATA_DIR), grouped by trading day; still
nothing is written. Bars before --from warm the strategy's indicators up.

Each session: the strategy decides before the open on the closes so far; an order passes the
pre-trade checks and fills at the open with slippage and commission; stops are checked against
the bar's low (at the stop, or at the open on a gap); the kill switch's triggers are evaluated at
the close. --halts says what follows a halt: resume at the next session's open after
acknowledging (default), or stay halted to the end.

The report goes to stdout; --json FILE writes the whole result (every fill, refusal, halt and
day) as JSON ("-" for stdout, the report then goes to stderr); --chart FILE.png draws equity,
drawdown and buy-and-hold. Thresholds and default costs come from the desk's configuration
(KS_*, PAPER_SLIPPAGE_BPS, PAPER_COMMISSION_PER_ORDER, DEFAULT_STOP_LOSS_PCT, ...).`;

async function main(argv: string[]): Promise<number> {
  if (argv.some((a) => a === "--help" || a === "-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadCliConfig();
  if (!config) return EX_CONFIG;
  let report: BacktestReport;
  let json: string | undefined;
  let chart: string | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: BACKTEST_OPTIONS, strict: true, allowPositionals: false });
    const options = parseBacktestOptions(values, config);
    json = options.json;
    chart = options.chart;
    const bars = await readBars(values);
    process.stderr.write(`running ${bars.days.length} sessions of ${bars.tickers.map((t) => t.ticker).join(", ")}…\n`);
    report = runBacktestReport({ bars, ...options.request });
  } catch (error) {
    if (error instanceof BacktestInputError || (error as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`${oneLine((error as Error).message)}\nnothing was run; see npm run backtest -- --help\n`);
      return 2;
    }
    throw error;
  }

  const text = renderBacktestReport(report);
  if (json === "-") {
    process.stdout.write(`${backtestJson(report)}\n`);
    process.stderr.write(text);
  } else {
    process.stdout.write(text);
    if (json) {
      await writeFile(json, `${backtestJson(report)}\n`);
      process.stderr.write(`wrote ${json}\n`);
    }
  }
  if (chart) {
    const { buildChartPng } = await import("../adapters/charts/render-chart.js");
    const png = await buildChartPng(
      report.run.days.map((d) => ({ day: d.day, equity: d.equity })),
      {
        title: `Backtest ${report.header.tickers.join(", ")}: ${STRATEGY_NAMES[report.header.strategyName]}`,
        width: 900,
        height: 500,
        scale: 2,
        startingEquity: report.header.capital,
        equityLabel: STRATEGY_NAMES[report.header.strategyName],
        benchmark: { label: "buy & hold", points: report.benchmark.equityCurve },
      },
    );
    await writeFile(chart, png);
    process.stderr.write(`wrote ${chart}\n`);
  }
  return 0;
}

/** The bars from Yahoo CSV files (--data, --csv), or with --prices db from the desk's price table. */
async function readBars(values: { tickers?: string; from?: string; to?: string; data?: string; csv?: string[]; prices?: string }): Promise<LoadedBars> {
  const source = values.prices?.trim() ?? "files";
  if (source === "files") {
    const universe = parseUniverse({ tickers: values.tickers, from: values.from, to: values.to, data: values.data, csv: values.csv });
    process.stderr.write(`reading ${universe.files.length} file(s)…\n`);
    return loadBars(universe, (path) => readFile(path, "utf8"));
  }
  if (source !== "db") throw new BacktestInputError(`--prices must be files or db, got "${source}"`);
  if (values.data !== undefined || values.csv !== undefined) throw new BacktestInputError("--prices db reads the price table: leave out --data and --csv");
  const range = parseRange(values);
  const [{ bootRuntime }, { DailyBarRepository }] = await Promise.all([import("./runtime.js"), import("../adapters/db/repositories/daily-bar-repository.js")]);
  // Only reads: the desk's own PostgreSQL (DATABASE_URL, or the embedded one of DATA_DIR), no Redis.
  const runtime = await bootRuntime("backtest", { withRedis: false, logTo: "stderr" });
  try {
    process.stderr.write(`reading ${range.tickers.length} ticker(s) from the price table…\n`);
    return await loadBarsFromStore(range, new DailyBarRepository(runtime.dataSource, runtime.config.risk.marketTimezone));
  } finally {
    await runtime.close();
  }
}

const STRATEGY_NAMES = { warroom: "War Room", "sma-cross": "SMA cross" } as const;

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, " ").trim();
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`backtest failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
