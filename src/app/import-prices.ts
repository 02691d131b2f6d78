import { parseYahooCsv } from "../domain/yahoo-csv.js";
import { TICKER_PATTERN } from "../domain/vocabulary.js";
import type { PriceStore } from "./ports/price-store.js";

export interface ImportPricesResult {
  ticker: string;
  rowsRead: number;
  inserted: number;
  /** Rows already stored, plus exact repeats inside the file. */
  duplicates: number;
  /** Yahoo's all-"null" rows (days without data). */
  nullRows: number;
}

export class InvalidTickerError extends Error {
  constructor(ticker: string) {
    super(`"${ticker}" is not a ticker (expected upper-case letters, digits, "." or "-", like NVDA or BRK.B)`);
    this.name = "InvalidTickerError";
  }
}

/**
 * Imports a Yahoo-format daily CSV. The whole file is validated before anything is written,
 * and the write is one transaction: a bad file leaves the database as it was.
 */
export async function importPrices(
  input: { csv: string; ticker: string; timeZone: string },
  prices: PriceStore,
): Promise<ImportPricesResult> {
  const ticker = input.ticker.trim().toUpperCase();
  if (!TICKER_PATTERN.test(ticker)) throw new InvalidTickerError(input.ticker);
  const parsed = parseYahooCsv(input.csv, ticker, input.timeZone);
  const { inserted, existing } = await prices.upsert(parsed.bars, "ignore");
  return { ticker, rowsRead: parsed.rowsRead, inserted, duplicates: existing + parsed.duplicateRows, nullRows: parsed.nullRows };
}
