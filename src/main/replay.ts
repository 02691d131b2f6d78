import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { DateTime } from "luxon";
import { PriceRepository } from "../adapters/db/repositories/price-repository.js";
import { ReplayAccountRepository } from "../adapters/db/repositories/replay-account-repository.js";
import { RecordingNotifier } from "../adapters/notifier/recording-notifier.js";
import { systemClock } from "../app/ports/clock.js";
import { ReplayClock, ReplayRequestError, runReplay, type ReplayResult } from "../app/replay/run-replay.js";
import { checkFileNamesTicker } from "../domain/backtest/universe.js";
import { Dec } from "../domain/decimal.js";
import { formatMoney, formatPercent } from "../domain/format.js";
import { isIsoDate } from "../domain/market-time.js";
import type { PriceBar } from "../domain/prices.js";
import { SMA_CROSS_DEFAULTS, validateSmaCrossParams, type SmaCrossParams } from "../domain/strategies/sma-cross.js";
import { TICKER_PATTERN } from "../domain/vocabulary.js";
import { parseYahooCsv } from "../domain/yahoo-csv.js";
import { bootRuntime, EX_CONFIG, loadCliConfig } from "./runtime.js";
import { buildDesk } from "./desk.js";

const USAGE = `usage: npm run replay -- --ticker NVDA --csv FILE --from YYYY-MM-DD --to YYYY-MM-DD --strategy sma-cross
                      [--capital 100000] [--fast 10] [--slow 30] [--size-pct 20]

Replays the daily bars of FILE (Yahoo CSV) dated in [from, to] through the desk's real order
path on a fresh shadow account (replay-<ticker>-<timestamp>, cash = capital): kill-switch
checks, pre-trade checks, paper fills, stop-loss exits, end-of-day equity. A halt is never
resumed: later buys are refused, exits still pass. Prints trades, refusals, halts, metrics and
the promotion gate out of shadow.

The bars are written to stock_prices under the real ticker, in this desk's database: run it on
a scratch database (DATA_DIR=$(mktemp -d) npm run replay -- ...). It refuses to run where the
ticker already has prices after the first replayed bar.`;

class UsageError extends Error {}

interface Args {
  ticker: string;
  csv: string;
  from: string;
  to: string;
  capital: Dec;
  params: SmaCrossParams;
}

function parse(argv: string[], concentrationPct: number): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      ticker: { type: "string" }, csv: { type: "string" }, from: { type: "string" }, to: { type: "string" }, strategy: { type: "string" },
      capital: { type: "string" }, fast: { type: "string" }, slow: { type: "string" }, "size-pct": { type: "string" },
    },
  });
  const required = (name: "ticker" | "csv" | "from" | "to" | "strategy") => {
    const value = values[name]?.trim();
    if (!value) throw new UsageError(`--${name} is missing`);
    return value;
  };
  const ticker = required("ticker").toUpperCase();
  if (!TICKER_PATTERN.test(ticker)) throw new UsageError(`"${values.ticker}" is not a ticker (like NVDA or BRK.B)`);
  const strategy = required("strategy");
  if (strategy !== "sma-cross") throw new UsageError(`unknown strategy "${strategy}" (known: sma-cross)`);
  const [from, to] = [required("from"), required("to")];
  for (const [name, value] of [["from", from], ["to", to]] as const) {
    if (!isIsoDate(value)) throw new UsageError(`--${name} "${value}" is not a date in YYYY-MM-DD form`);
  }
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const capitalText = values.capital?.trim() ?? "100000";
  if (!/^\d{1,15}(\.\d{1,4})?$/.test(capitalText) || new Dec(capitalText).lte(0)) throw new UsageError(`--capital "${capitalText}" is not an amount above 0 (at most 4 decimals)`);
  const number = (name: "fast" | "slow" | "size-pct", fallback: number) => {
    const raw = values[name]?.trim();
    if (raw === undefined) return fallback;
    if (!/^\d+(\.\d+)?$/.test(raw)) throw new UsageError(`--${name} "${raw}" is not a number`);
    return Number(raw);
  };
  const params = { fast: number("fast", SMA_CROSS_DEFAULTS.fast), slow: number("slow", SMA_CROSS_DEFAULTS.slow), sizePct: number("size-pct", SMA_CROSS_DEFAULTS.sizePct) };
  const problems = validateSmaCrossParams(params);
  if (params.sizePct >= concentrationPct) problems.push(`--size-pct ${params.sizePct} must stay under the ${concentrationPct}% concentration limit`);
  if (problems.length > 0) throw new UsageError(problems.join("; "));
  return { ticker, csv: required("csv"), from, to, capital: new Dec(capitalText), params };
}

async function main(): Promise<number> {
  const config = loadCliConfig();
  if (!config) return EX_CONFIG;
  let args: Args;
  let bars: PriceBar[];
  try {
    if (process.argv.slice(2).some((a) => a === "--help" || a === "-h")) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    args = parse(process.argv.slice(2), config.risk.concentrationPct);
    // A Yahoo CSV names no ticker, so the file's name is the only witness of whose bars it holds:
    // `--ticker ORCL --csv nvda-daily.csv` would otherwise replay (and store) NVDA's prices as ORCL's.
    checkFileNamesTicker(args.ticker, args.csv);
    const text = await readFile(args.csv, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read ${args.csv}: ${error.code ?? error.message}`);
    });
    bars = parseYahooCsv(text, args.ticker, config.risk.marketTimezone).bars;
    const inRange = bars.filter((b) => {
      const day = DateTime.fromJSDate(b.time, { zone: config.risk.marketTimezone }).toISODate()!;
      return day >= args.from && day <= args.to;
    });
    if (inRange.length === 0) throw new UsageError(`${args.csv} has no bars between ${args.from} and ${args.to}`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }

  const runtime = await bootRuntime("replay", { withRedis: false });
  try {
    const { dataSource } = runtime;
    const clock = new ReplayClock();
    const notifier = new RecordingNotifier();
    const prices = new PriceRepository(dataSource);
    // The replay's own clock and alerts: a replayed halt is reported in its summary, not sent to anyone.
    const { execution } = buildDesk(config, runtime, { clock, notifier });
    const result = await runReplay(
      { execution, prices, accounts: new ReplayAccountRepository(dataSource), clock, notifier, wallClock: systemClock },
      { ticker: args.ticker, bars, from: args.from, to: args.to, capital: args.capital, strategy: { name: "sma-cross", params: args.params } },
    );
    process.stdout.write(report(result));
    return 0;
  } catch (error) {
    if (error instanceof ReplayRequestError) {
      process.stderr.write(`${error.message}\nnothing was replayed\n`);
      return 2;
    }
    throw error;
  } finally {
    await runtime.close();
  }
}

function report(r: ReplayResult): string {
  const out: string[] = [];
  const pct = (d: Dec | null) => (d === null ? "n/a" : formatPercent(d));
  const money = (d: Dec | null) => (d === null ? "n/a" : d.isNegative() && !d.toDecimalPlaces(2).isZero() ? `-$${formatMoney(d.neg())}` : `$${formatMoney(d)}`);
  out.push(`Replay ${r.ticker} ${r.firstBar} .. ${r.lastBar} (${r.bars} bars), ${r.strategy}`);
  out.push(`account ${r.accountName} (${r.accountId}), phase shadow, capital ${money(r.capital)}`);
  out.push("", `Trades (${r.trades.length})`);
  for (const t of r.trades) {
    const pnl = t.side === "SELL" ? `  P&L ${money(t.realizedPnl)}` : "";
    out.push(`  ${t.date}  ${t.side.padEnd(4)} ${String(t.quantity).padStart(7)} @ ${t.price.toFixed(6).padStart(12)}${pnl}  [${t.source}: ${t.reason}]`);
  }
  out.push("", `Refused orders (${r.refusals.length})`);
  for (const f of r.refusals) out.push(`  ${f.date}  ${f.side} ${f.quantity} [${f.source}] ${f.status}: ${f.codes.join(", ")} (${f.messages.join("; ")})`);
  out.push("", `Halts (${r.halts.length})`);
  for (const h of r.halts) out.push(`  ${h.date}  ${h.trigger ?? "?"}  ${h.reading}${h.reason.endsWith(h.reading) ? "" : `  (${h.reason})`}`);
  const m = r.metrics;
  const pf = m.profitFactor === null ? "n/a" : m.profitFactor === "infinite" ? "infinite" : m.profitFactor.toFixed(2);
  out.push("", "Metrics");
  out.push(`  closed trades ${m.tradeCount}, win rate ${pct(m.winRate)}, profit factor ${pf}`);
  out.push(`  average win ${money(m.averageWin)}, average loss ${money(m.averageLoss)}, expectancy ${money(m.expectancy)}`);
  out.push(`  total return ${pct(m.totalReturn)}, max drawdown ${pct(m.maxDrawdown)}, Sharpe ${m.sharpe === null ? "n/a" : m.sharpe.toFixed(2)}`);
  out.push(`  final equity ${money(r.final.equity)} (cash ${money(r.final.cash)}, ${r.final.quantity} ${r.ticker}), kill switch ${r.final.halted ? "HALTED" : "ACTIVE"}`);
  out.push("", `Promotion gate out of shadow: ${r.gate.passed ? "PASS" : "FAIL"}`);
  for (const c of r.gate.checks) out.push(`  ${c.label.padEnd(16)} ${c.value.padStart(22)}  target ${c.target.padEnd(10)} ${c.passed ? "PASS" : "FAIL"}`);
  out.push("", `${r.bars} bars in ${(r.elapsedMs / 1000).toFixed(2)} s: ${r.barsPerSecond.toFixed(1)} bars/s`, "");
  return out.join("\n");
}

main().then((code) => process.exit(code), (error) => {
  process.stderr.write(`replay failed: ${(error as Error).message}\n`);
  process.exit(1);
});
