import { type BacktestBar, BacktestInputError, validateBar } from "../../domain/backtest/bar.js";
import { type BacktestUniverse, checkFileNamesTicker } from "../../domain/backtest/universe.js";
import type { WarRoomNews, WarRoomSignal } from "../../domain/warroom/types.js";
import { MalformedPriceFileError, parseYahooCsv } from "../../domain/yahoo-csv.js";

/**
 * Reads a backtest's bars: one Yahoo daily CSV per ticker, parsed by the importer's own parser
 * (src/domain/yahoo-csv.ts, so a file the desk would refuse to import is refused here too), every
 * bar checked by validateBar, split at --from into warm-up history and the bars traded on.
 *
 * All files are read and checked before anything is returned; the first problem, in the order
 * the tickers were given, is thrown as one BacktestInputError line starting with the ticker.
 * Bars after --to are dropped: nothing the run may not see is handed to it.
 *
 * A ticker without a bar on a day another ticker trades (a holiday quirk, a suspension, a
 * listing that starts later, as YHOO's 1996 IPO inside an ORCL range): that day has no bar for
 * it, so no order for it can fill that day, and it is valued at its last close before that day.
 * Before its first bar in range it holds nothing to value. `days` is the union of trading days,
 * so the portfolio moves on every day any of its tickers trades.
 */

/** Reads a whole text file; rejects with the Node error (code ENOENT for a missing file). */
export type ReadText = (path: string) => Promise<string>;

export interface TickerBars {
  ticker: string;
  /** The file the bars came from. */
  path: string;
  /** Every bar before --from, oldest first: history for warming up indicators, never traded on. */
  warmup: BacktestBar[];
  /** The bars dated from --from to --to inclusive, oldest first; never empty. */
  bars: BacktestBar[];
  /** From the price table only: what the War Room's agents read besides prices. */
  news?: WarRoomNews[];
  signals?: WarRoomSignal[];
}

export interface LoadedBars {
  from: string;
  to: string;
  /** One per ticker, in the universe's order. */
  tickers: TickerBars[];
  /** Every day in [from, to] on which at least one ticker has a bar, ascending. */
  days: string[];
}

function fail(ticker: string, message: string): never {
  throw new BacktestInputError(`${ticker}: ${message}`);
}

function readFailure(ticker: string, path: string, error: unknown): never {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") fail(ticker, `${path} does not exist`);
  fail(ticker, `cannot read ${path} (${code ?? (error as Error).message})`);
}

/** The file's bars as the backtest sees them, oldest first. */
function toBars(ticker: string, path: string, text: string): BacktestBar[] {
  let parsed;
  try {
    // The backtest keys bars by trading day. Parsing in UTC puts each bar at 16:00Z of its own
    // date, so the date reads straight back from the instant, whatever the exchange's zone.
    parsed = parseYahooCsv(text, ticker, "UTC");
  } catch (error) {
    if (error instanceof MalformedPriceFileError) fail(ticker, `${path} ${error.message}`);
    throw error;
  }
  const bars = parsed.bars.map((p): BacktestBar => ({ date: p.time.toISOString().slice(0, 10), open: p.open, high: p.high, low: p.low, close: p.close }));
  for (const bar of bars) {
    try {
      validateBar(bar);
    } catch (error) {
      if (error instanceof BacktestInputError) fail(ticker, `${path} ${error.message}`);
      throw error;
    }
  }
  // Yahoo writes oldest first, but nothing in the format promises it.
  return bars.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

function split(ticker: string, path: string, all: BacktestBar[], from: string, to: string): TickerBars {
  const warmup = all.filter((b) => b.date < from);
  const bars = all.filter((b) => b.date >= from && b.date <= to);
  if (bars.length === 0) {
    const held = all.length === 0 ? "it holds none" : `its bars run ${all[0]!.date} to ${all.at(-1)!.date}`;
    fail(ticker, `${path} has no bars from ${from} to ${to} (${held})`);
  }
  return { ticker, path, warmup, bars };
}

/** Where bars come from when no file is given: the desk's price table, through an adapter. */
export interface DailyBarStore {
  /** For the report and errors: "the price table (stock_prices)". */
  readonly source: string;
  /** The ticker's daily bars up to `to` inclusive, oldest first. */
  dailyBars(ticker: string, to: string): Promise<BacktestBar[]>;
  /** Headlines and signals about the ticker up to `to`, for the War Room's agents. */
  news(ticker: string, to: string): Promise<WarRoomNews[]>;
  signals(ticker: string, to: string): Promise<WarRoomSignal[]>;
}

/**
 * The same bars from the price table: every ticker read, each bar checked by validateBar, split
 * at --from as the files are. Throws BacktestInputError (one line) naming the ticker.
 */
export async function loadBarsFromStore(range: { tickers: readonly string[]; from: string; to: string }, store: DailyBarStore): Promise<LoadedBars> {
  const { from, to } = range;
  const tickers: TickerBars[] = [];
  for (const ticker of range.tickers) {
    const all = await store.dailyBars(ticker, to);
    for (const bar of all) {
      try {
        validateBar(bar);
      } catch (error) {
        if (error instanceof BacktestInputError) fail(ticker, `${store.source}: ${error.message}`);
        throw error;
      }
    }
    const [news, signals] = await Promise.all([store.news(ticker, to), store.signals(ticker, to)]);
    tickers.push({ ...split(ticker, store.source, all, from, to), news, signals });
  }
  return { from, to, tickers, days: tradingDays(tickers) };
}

function tradingDays(tickers: readonly TickerBars[]): string[] {
  return [...new Set(tickers.flatMap((t) => t.bars.map((b) => b.date)))].sort();
}

/** Reads, checks and splits every ticker's bars. Throws BacktestInputError (one line) on the first bad file. */
export async function loadBars(universe: BacktestUniverse, readText: ReadText): Promise<LoadedBars> {
  const { from, to } = universe;
  // Read in parallel, judge in order: the error reported does not depend on which read finished first.
  const texts = await Promise.allSettled(universe.files.map((f) => readText(f.path)));
  const seen = new Map<string, { ticker: string; path: string }>();
  const tickers: TickerBars[] = [];
  universe.files.forEach(({ ticker, path }, i) => {
    checkFileNamesTicker(ticker, path);
    const read = texts[i]!;
    if (read.status === "rejected") readFailure(ticker, path, read.reason);
    // A Yahoo CSV names no ticker; the same bytes under two tickers is one file passed twice.
    const twin = seen.get(read.value);
    if (twin) fail(ticker, `${path} holds the same bars as ${twin.ticker}'s ${twin.path}`);
    seen.set(read.value, { ticker, path });
    tickers.push(split(ticker, path, toBars(ticker, path, read.value), from, to));
  });
  return { from, to, tickers, days: tradingDays(tickers) };
}
