import { isIsoDate } from "../market-time.js";
import { TICKER_PATTERN } from "../vocabulary.js";
import { BacktestInputError } from "./bar.js";

/**
 * What a backtest runs on, as the command line gives it: the tickers, the date range, and where
 * each ticker's daily bars are. Pure: it checks the words and builds the paths; reading the files
 * is src/app/backtest/load-bars.ts's.
 *
 * Every problem is one BacktestInputError whose message is one line naming the bad value
 * (`--tickers: NVDA is given twice`), so the CLI prints it and stops before anything is read.
 *
 * Files: `--data DIR` gives every ticker `DIR/<ticker lower-case>-daily.csv` (Yahoo's CSV, as
 * demo/prices/ holds them); `--csv TICKER=PATH` overrides one ticker's file. A Yahoo CSV has no
 * ticker column, so the file name is the only witness of whose prices a file holds: an override
 * whose name is `<other ticker>-daily.csv` is refused (`nvda-daily.csv` passed as ORCL), a name
 * that names no ticker (`prices.csv`) is taken on trust.
 */

/** The command line's words, before any check. `csv` lists each `--csv` value given. */
export interface UniverseArgs {
  tickers?: string;
  from?: string;
  to?: string;
  data?: string;
  csv?: readonly string[];
}

/** Where one ticker's bars are read from. */
export interface TickerFile {
  ticker: string;
  path: string;
  /** True when `--csv` named the path, false when it was built from `--data`. */
  override: boolean;
}

export interface BacktestUniverse {
  /** In the order given, each once, upper-case. */
  tickers: string[];
  /** First trading day of the run, YYYY-MM-DD, inclusive. */
  from: string;
  /** Last trading day of the run, YYYY-MM-DD, inclusive. */
  to: string;
  /** One per ticker, in the order of `tickers`. */
  files: TickerFile[];
}

/** The file a ticker's daily bars are expected in: NVDA -> "nvda-daily.csv", BRK.B -> "brk.b-daily.csv". */
export function dailyFileName(ticker: string): string {
  return `${ticker.toLowerCase()}-daily.csv`;
}

/** The last segment of a path, by either separator (the CLI may run on Windows paths too). */
function fileNameOf(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The ticker a file's name says it holds ("nvda-daily.csv" -> "NVDA"), or null when the name follows no such pattern. */
export function tickerNamedBy(path: string): string | null {
  const match = /^(.+)-daily\.csv$/i.exec(fileNameOf(path));
  if (!match) return null;
  const ticker = match[1]!.toUpperCase();
  return TICKER_PATTERN.test(ticker) ? ticker : null;
}

/**
 * Refuses a file whose name names another ticker, the mistake `--ticker ORCL --csv nvda-daily.csv`
 * made silently before. load-bars checks it again for any path it is handed.
 */
export function checkFileNamesTicker(ticker: string, path: string): void {
  const named = tickerNamedBy(path);
  if (named !== null && named !== ticker) {
    throw new BacktestInputError(`${ticker}: ${fileNameOf(path)} is named for ${named}`);
  }
}

function parseTickers(raw: string | undefined): string[] {
  const text = raw?.trim();
  if (!text) throw new BacktestInputError("--tickers is missing (like --tickers NVDA,ORCL,YHOO)");
  const tickers: string[] = [];
  for (const part of text.split(",")) {
    const ticker = part.trim().toUpperCase();
    if (ticker === "") throw new BacktestInputError(`--tickers: "${text}" has an empty entry`);
    if (!TICKER_PATTERN.test(ticker)) throw new BacktestInputError(`--tickers: "${part.trim()}" is not a ticker (like NVDA or BRK.B)`);
    if (tickers.includes(ticker)) throw new BacktestInputError(`--tickers: ${ticker} is given twice`);
    tickers.push(ticker);
  }
  return tickers;
}

function parseDate(name: "from" | "to", raw: string | undefined): string {
  const value = raw?.trim();
  if (!value) throw new BacktestInputError(`--${name} is missing (a date written YYYY-MM-DD)`);
  if (!isIsoDate(value)) throw new BacktestInputError(`--${name}: "${value}" is not a date written YYYY-MM-DD`);
  return value;
}

/** `--csv` values as ticker -> path, each checked against the ticker list and the file's name. */
function parseOverrides(values: readonly string[], tickers: readonly string[]): Map<string, string> {
  const overrides = new Map<string, string>();
  for (const value of values) {
    const eq = value.indexOf("=");
    if (eq < 0) throw new BacktestInputError(`--csv: "${value}" is not TICKER=PATH (like --csv NVDA=prices/nvda-daily.csv)`);
    const ticker = value.slice(0, eq).trim().toUpperCase();
    const path = value.slice(eq + 1).trim();
    if (!TICKER_PATTERN.test(ticker)) throw new BacktestInputError(`--csv: "${value.slice(0, eq).trim()}" is not a ticker (like NVDA or BRK.B)`);
    if (path === "") throw new BacktestInputError(`--csv: ${ticker}= has no path`);
    if (!tickers.includes(ticker)) throw new BacktestInputError(`--csv: ${ticker} is not in --tickers (${tickers.join(",")})`);
    if (overrides.has(ticker)) throw new BacktestInputError(`--csv: ${ticker} is given twice`);
    checkFileNamesTicker(ticker, path);
    overrides.set(ticker, path);
  }
  return overrides;
}

/** The tickers and the date range alone, for a run on the price table. Throws BacktestInputError, one line. */
export function parseRange(args: Pick<UniverseArgs, "tickers" | "from" | "to">): Pick<BacktestUniverse, "tickers" | "from" | "to"> {
  const tickers = parseTickers(args.tickers);
  const from = parseDate("from", args.from);
  const to = parseDate("to", args.to);
  if (from > to) throw new BacktestInputError(`--from ${from} is after --to ${to}`);
  return { tickers, from, to };
}

/** Checks the command line's universe and says where each ticker's bars are. Throws BacktestInputError, one line. */
export function parseUniverse(args: UniverseArgs): BacktestUniverse {
  const { tickers, from, to } = parseRange(args);
  const overrides = parseOverrides(args.csv ?? [], tickers);
  const data = args.data?.trim();
  if (data === "") throw new BacktestInputError("--data: the directory is empty");
  const files = tickers.map((ticker): TickerFile => {
    const path = overrides.get(ticker);
    if (path !== undefined) return { ticker, path, override: true };
    if (data === undefined) {
      throw new BacktestInputError(`${ticker} has no file: give --data DIR (holding ${dailyFileName(ticker)}) or --csv ${ticker}=PATH`);
    }
    // Joined by hand, not node:path, to keep the domain free of Node; one separator, never two.
    return { ticker, path: `${data.replace(/[\\/]+$/, "")}/${dailyFileName(ticker)}`, override: false };
  });
  return { tickers, from, to, files };
}
