import { parse } from "csv-parse/sync";
import { Dec } from "./decimal.js";
import { dailyBarTime, isIsoDate } from "./market-time.js";
import type { PriceBar } from "./prices.js";

/** A file that cannot be imported, with where the first problem is. Nothing is written for it. */
export class MalformedPriceFileError extends Error {
  constructor(
    readonly line: number,
    readonly column: string | undefined,
    readonly problem: string,
  ) {
    super(`line ${line}${column ? `, column ${column}` : ""}: ${problem}`);
    this.name = "MalformedPriceFileError";
  }
}

export interface ParsedPriceFile {
  bars: PriceBar[];
  /** Data rows in the file. */
  rowsRead: number;
  /** Rows repeating an earlier row of the same file exactly. */
  duplicateRows: number;
  /** Rows where Yahoo wrote "null" for every value (a day without data). */
  nullRows: number;
}

const REQUIRED = ["Date", "Open", "High", "Low", "Close", "Volume"] as const;
const PRICE_COLUMNS = ["Open", "High", "Low", "Close"] as const;
const UNSIGNED_DECIMAL = /^\d+(\.\d+)?$/;

/**
 * Parses Yahoo Finance's daily CSV (`Date,Open,High,Low,Close,Adj Close,Volume`; Adj Close may
 * be absent). Strict: the first bad value stops the import with its line and column.
 */
export function parseYahooCsv(text: string, ticker: string, timeZone: string): ParsedPriceFile {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    throw new MalformedPriceFileError(line, undefined, `not valid CSV (${(error as Error).message})`);
  }
  const header = records[0]?.record;
  if (!header) throw new MalformedPriceFileError(1, undefined, "the file is empty");
  const index = new Map(header.map((name, i) => [name.toLowerCase(), i]));
  for (const name of REQUIRED) {
    if (!index.has(name.toLowerCase())) {
      throw new MalformedPriceFileError(1, name, `the header lacks "${name}" (expected Date,Open,High,Low,Close,Adj Close,Volume)`);
    }
  }
  const col = (name: string) => index.get(name.toLowerCase());
  const adjIndex = col("Adj Close");

  const bars: PriceBar[] = [];
  const firstSeen = new Map<string, { line: number; raw: string }>();
  let duplicateRows = 0;
  let nullRows = 0;
  for (let r = 1; r < records.length; r += 1) {
    const { record, info } = records[r]!;
    const line = info.lines;
    if (record.length !== header.length) {
      throw new MalformedPriceFileError(line, undefined, `expected ${header.length} columns, found ${record.length}`);
    }
    const cell = (name: string) => record[col(name)!]!;
    const where = (name: string) => `${col(name)! + 1} (${name})`;

    const date = cell("Date");
    if (!isIsoDate(date)) throw new MalformedPriceFileError(line, where("Date"), `"${date}" is not a date in YYYY-MM-DD form`);
    const values = record.filter((_, i) => i !== col("Date"));
    if (values.every((v) => v === "null")) {
      nullRows += 1;
      continue;
    }
    const prices = {} as Record<(typeof PRICE_COLUMNS)[number], Dec>;
    for (const name of PRICE_COLUMNS) {
      const raw = cell(name);
      if (!UNSIGNED_DECIMAL.test(raw)) throw new MalformedPriceFileError(line, where(name), `"${raw}" is not a price`);
      const value = new Dec(raw);
      if (value.lte(0)) throw new MalformedPriceFileError(line, where(name), `price must be above 0, got ${raw}`);
      prices[name] = value;
    }
    let adjClose: Dec | null = null;
    if (adjIndex !== undefined) {
      const raw = record[adjIndex]!;
      if (!UNSIGNED_DECIMAL.test(raw)) throw new MalformedPriceFileError(line, where("Adj Close"), `"${raw}" is not a price`);
      adjClose = new Dec(raw);
    }
    const rawVolume = cell("Volume");
    if (!/^\d{1,18}$/.test(rawVolume)) throw new MalformedPriceFileError(line, where("Volume"), `"${rawVolume}" is not a whole number of shares`);

    const { Open: open, High: high, Low: low, Close: close } = prices;
    if (high.lt(low)) throw new MalformedPriceFileError(line, where("High"), `High ${high.toString()} is below Low ${low.toString()}`);
    if (open.lt(low) || open.gt(high)) throw new MalformedPriceFileError(line, where("Open"), `Open ${open.toString()} lies outside Low ${low.toString()} .. High ${high.toString()}`);
    if (close.lt(low) || close.gt(high)) throw new MalformedPriceFileError(line, where("Close"), `Close ${close.toString()} lies outside Low ${low.toString()} .. High ${high.toString()}`);

    const raw = record.join(",");
    const earlier = firstSeen.get(date);
    if (earlier) {
      if (earlier.raw === raw) {
        duplicateRows += 1;
        continue;
      }
      throw new MalformedPriceFileError(line, where("Date"), `${date} appears again with different values (first on line ${earlier.line})`);
    }
    firstSeen.set(date, { line, raw });
    bars.push({ ticker, time: dailyBarTime(date, timeZone), open, high, low, close, adjClose, volume: BigInt(rawVolume), source: "import" });
  }
  return { bars, rowsRead: records.length - 1, duplicateRows, nullRows };
}
