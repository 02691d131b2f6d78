import { DateTime } from "luxon";
import type { Dec } from "../../../domain/decimal.js";
import { parseRfc3339, positiveDecimal, wholeNumber } from "./messages.js";

/** One daily bar as Alpaca reports it, dated by its trading day in New York. */
export interface DailyRow {
  /** YYYY-MM-DD: the trading day. */
  date: string;
  open: Dec;
  high: Dec;
  low: Dec;
  close: Dec;
  volume: bigint;
}

export interface BarsPage {
  rows: DailyRow[];
  nextPageToken: string | undefined;
}

/** The body broke the documented shape; the whole answer is refused, never used in part. */
export class MalformedBarsError extends Error {}

/** Alpaca stamps a daily bar at midnight of its trading day in New York (e.g. 2022-04-11T04:00:00Z). */
const ALPACA_DAY_ZONE = "America/New_York";

/**
 * One page of GET /v2/stocks/bars: {"bars": {"AAPL": [{"t","o","h","l","c","v","n","vw"}]},
 * "next_page_token": string | null} (Alpaca, "Historical bars"). Prices are JSON numbers.
 */
export function parseBarsPage(body: unknown, ticker: string): BarsPage {
  if (!isRecord(body)) throw new MalformedBarsError("the answer is not a JSON object");
  const token = body.next_page_token;
  if (token !== undefined && token !== null && (typeof token !== "string" || token === "")) throw new MalformedBarsError("next_page_token is not a string");
  const all = body.bars;
  // No bar in the window: Alpaca answers with an empty object (or null).
  if (all !== undefined && all !== null && !isRecord(all)) throw new MalformedBarsError("bars is not an object keyed by symbol");
  const list = all?.[ticker];
  if (list !== undefined && list !== null && !Array.isArray(list)) throw new MalformedBarsError(`bars.${ticker} is not a list`);
  const rows = (list ?? []).map((raw, i) => parseBar(raw, `bars.${ticker}[${i}]`));
  return { rows, nextPageToken: typeof token === "string" ? token : undefined };
}

function parseBar(raw: unknown, where: string): DailyRow {
  if (!isRecord(raw)) throw new MalformedBarsError(`${where} is not an object`);
  const time = typeof raw.t === "string" ? parseRfc3339(raw.t) : undefined;
  if (!time) throw new MalformedBarsError(`${where}.t is not an RFC-3339 time`);
  const [open, high, low, close] = (["o", "h", "l", "c"] as const).map((key) => {
    const value = positiveDecimal(raw[key]);
    if (!value) throw new MalformedBarsError(`${where}.${key} is not a positive number`);
    return value;
  }) as [Dec, Dec, Dec, Dec];
  const volume = wholeNumber(raw.v);
  if (volume === undefined) throw new MalformedBarsError(`${where}.v is not a whole number`);
  const date = DateTime.fromJSDate(time, { zone: ALPACA_DAY_ZONE }).toISODate();
  if (!date) throw new MalformedBarsError(`${where}.t is out of range`);
  return { date, open, high, low, close, volume };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
