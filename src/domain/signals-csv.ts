import { parse } from "csv-parse/sync";
import { Dec } from "./decimal.js";
import type { TradingSignalInput } from "./signals.js";
import { SIGNALS, TICKER_PATTERN, type Signal } from "./vocabulary.js";

/** A signals file that cannot be imported, with where the first problem is. Nothing is written for it. */
export class MalformedSignalFileError extends Error {
  constructor(readonly line: number, readonly column: string | undefined, readonly problem: string) {
    super(`line ${line}${column ? `, column ${column}` : ""}: ${problem}`);
    this.name = "MalformedSignalFileError";
  }
}

const REQUIRED = ["ticker", "signal", "confidence", "source"] as const;
const CONFIDENCE = /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/;
const PRICE = /^\d{1,12}(\.\d{1,6})?$/;

/**
 * Parses a signals CSV: `ticker,signal,confidence,source[,rationale][,price]` with a header.
 * Strict: the first bad value stops the import with its line and column.
 */
export function parseSignalsCsv(text: string): TradingSignalInput[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (error) {
    throw new MalformedSignalFileError((error as { lines?: number }).lines ?? 1, undefined, `not valid CSV (${(error as Error).message})`);
  }
  const header = records[0]?.record.map((h) => h.toLowerCase());
  if (!header) throw new MalformedSignalFileError(1, undefined, "the file is empty");
  for (const name of REQUIRED) if (!header.includes(name)) throw new MalformedSignalFileError(1, name, `the header lacks "${name}" (expected ticker,signal,confidence,source[,rationale][,price])`);
  const at = (row: string[], name: string) => row[header.indexOf(name)] ?? "";
  return records.slice(1).map(({ record, info }) => {
    const line = info.lines;
    const ticker = at(record, "ticker").toUpperCase();
    if (!TICKER_PATTERN.test(ticker)) throw new MalformedSignalFileError(line, "ticker", `"${ticker.slice(0, 24)}" is not a ticker`);
    const signal = at(record, "signal").toUpperCase();
    if (!(SIGNALS as readonly string[]).includes(signal)) throw new MalformedSignalFileError(line, "signal", `expected BUY, SELL or HOLD, got "${signal.slice(0, 24)}"`);
    const confidence = at(record, "confidence");
    if (!CONFIDENCE.test(confidence)) throw new MalformedSignalFileError(line, "confidence", `expected a number from 0 to 1 with at most 4 decimals, got "${confidence.slice(0, 24)}"`);
    const source = at(record, "source");
    if (source.length < 1 || source.length > 64) throw new MalformedSignalFileError(line, "source", "expected 1 to 64 characters");
    const price = header.includes("price") ? at(record, "price") : "";
    if (price && (!PRICE.test(price) || new Dec(price).lte(0))) throw new MalformedSignalFileError(line, "price", `expected a positive price, got "${price.slice(0, 24)}"`);
    return {
      ticker,
      signal: signal as Signal,
      confidence: new Dec(confidence),
      source,
      rationale: header.includes("rationale") ? at(record, "rationale").slice(0, 2000) : "",
      price: price ? new Dec(price) : null,
    };
  });
}
