import type { PriceHistory } from "../../../app/ports/market-data.js";
import { dailyBarTime } from "../../../domain/market-time.js";
import type { PriceBar } from "../../../domain/prices.js";
import { cleanText } from "../../../domain/text.js";
import { TICKER_PATTERN } from "../../../domain/vocabulary.js";
import { MalformedBarsError, parseBarsPage, type DailyRow } from "./bars.js";
import type { AlpacaFeed } from "./stream.js";

export interface AlpacaHistoryOptions {
  keyId: string;
  secretKey: string;
  feed: AlpacaFeed;
  /** e.g. https://data.alpaca.markets */
  dataUrl: string;
  /** The desk's market time zone: a daily bar is stamped at its session close there. */
  timeZone: string;
  /** Per HTTP request (default 15 s). */
  timeoutMs?: number;
  /** The clock, for the delayed feed's 15-minute rule (default: the system clock). */
  now?: () => Date;
}

/** A bars request that failed; `retryable` for rate limits, server errors, timeouts and network errors. */
export class AlpacaHistoryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = "AlpacaHistoryError";
  }
}

const DAY_MS = 86_400_000;
/** Alpaca's largest page. */
const MAX_LIMIT = 10_000;
/** A loop guard: a window of daily bars never needs this many pages. */
const MAX_PAGES = 200;
/** Without a real-time SIP plan, SIP history must end at least 15 minutes ago. */
const DELAY_MS = 15 * 60_000 + 30_000;

/**
 * Daily bars from Alpaca's market-data REST API (GET /v2/stocks/bars; docs.alpaca.markets,
 * "Historical bars"), split-adjusted, oldest first. The window asked for is calendar days with a
 * margin for weekends and holidays; the newest `days` complete sessions are kept.
 */
export class AlpacaHistory implements PriceHistory {
  readonly name = "alpaca";
  private readonly timeoutMs: number;
  private readonly now: () => Date;
  /** The feed for history: the delayed stream's data is SIP history (the official Go SDK's advice). */
  private readonly restFeed: "iex" | "sip";

  constructor(private readonly o: AlpacaHistoryOptions) {
    this.timeoutMs = o.timeoutMs ?? 15_000;
    this.now = o.now ?? (() => new Date());
    this.restFeed = o.feed === "iex" ? "iex" : "sip";
  }

  async dailyBars(ticker: string, days: number, until: Date): Promise<PriceBar[]> {
    if (!TICKER_PATTERN.test(ticker)) throw new RangeError(`"${cleanText(ticker, { maxChars: 12 })}" is not a ticker`);
    if (!Number.isSafeInteger(days) || days < 1) throw new RangeError(`days must be a whole number of at least 1, not ${days}`);
    if (Number.isNaN(until.getTime())) throw new RangeError("until is not a valid time");
    const calendarDays = Math.ceil(days * 1.6) + 10;
    let end = until;
    if (this.o.feed === "delayed_sip") end = new Date(Math.min(until.getTime(), this.now().getTime() - DELAY_MS));
    const start = new Date(end.getTime() - calendarDays * DAY_MS);
    const query = new URLSearchParams({
      symbols: ticker,
      timeframe: "1Day",
      start: start.toISOString(),
      end: end.toISOString(),
      limit: String(Math.min(MAX_LIMIT, calendarDays)),
      adjustment: "split",
      feed: this.restFeed,
    });
    const byDate = new Map<string, DailyRow>();
    const seen = new Set<string>();
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) throw new AlpacaHistoryError(`Alpaca kept paging the bars of ${ticker} (more than ${MAX_PAGES} pages)`, false);
      const { rows, nextPageToken } = await this.page(ticker, query);
      for (const row of rows) byDate.set(row.date, row);
      if (!nextPageToken) break;
      if (seen.has(nextPageToken)) throw new AlpacaHistoryError(`Alpaca repeated a page token for the bars of ${ticker}`, false);
      seen.add(nextPageToken);
      query.set("page_token", nextPageToken);
    }
    const source = `alpaca:${this.restFeed}:daily`;
    const bars = [...byDate.values()]
      .map((row): PriceBar => ({
        ticker,
        time: dailyBarTime(row.date, this.o.timeZone),
        open: row.open,
        high: row.high,
        low: row.low,
        close: row.close,
        // Asked for with adjustment=split: the close is already the split-adjusted close.
        adjClose: row.close,
        volume: row.volume,
        source,
      }))
      // A session that has not closed by `until` is not a daily bar yet.
      .filter((bar) => bar.time.getTime() <= until.getTime())
      .sort((a, b) => a.time.getTime() - b.time.getTime());
    return bars.slice(-days);
  }

  private async page(ticker: string, query: URLSearchParams): Promise<{ rows: DailyRow[]; nextPageToken: string | undefined }> {
    const url = `${this.o.dataUrl.replace(/\/+$/, "")}/v2/stocks/bars?${query.toString()}`;
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        headers: { "APCA-API-KEY-ID": this.o.keyId, "APCA-API-SECRET-KEY": this.o.secretKey, Accept: "application/json" },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
        throw new AlpacaHistoryError(`Alpaca bars request for ${ticker} timed out after ${this.timeoutMs} ms`, true);
      }
      throw new AlpacaHistoryError(`Alpaca bars request for ${ticker} failed: ${networkCause(error)}`, true);
    }
    if (status < 200 || status > 299) throw httpError(status, text, ticker, this.o.feed);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AlpacaHistoryError(`Alpaca answered the bars request for ${ticker} with a body that is not JSON`, false, status);
    }
    try {
      return parseBarsPage(body, ticker);
    } catch (error) {
      if (error instanceof MalformedBarsError) throw new AlpacaHistoryError(`Alpaca's bars for ${ticker} are malformed: ${error.message}`, false, status);
      throw error;
    }
  }
}

function httpError(status: number, body: string, ticker: string, feed: AlpacaFeed): AlpacaHistoryError {
  const said = providerMessage(body);
  const code = said ? `HTTP ${status}: ${said}` : `HTTP ${status}`;
  if (status === 401 || status === 403) {
    return new AlpacaHistoryError(`Alpaca refused the bars request for ${ticker} (${code}): check ALPACA_KEY_ID/ALPACA_SECRET_KEY and that the plan covers the ${feed} feed`, false, status);
  }
  if (status === 422 || status === 400) return new AlpacaHistoryError(`Alpaca refused the bars request for ${ticker} as invalid (${code})`, false, status);
  if (status === 429) return new AlpacaHistoryError(`Alpaca rate limited the bars request for ${ticker} (${code}): retry later`, true, status);
  if (status >= 500) return new AlpacaHistoryError(`Alpaca market data failed on the bars request for ${ticker} (${code})`, true, status);
  return new AlpacaHistoryError(`Alpaca answered the bars request for ${ticker} with ${code}`, false, status);
}

/** Alpaca's error bodies are {"message": "..."}; anything else is shown cut and cleaned. */
function providerMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && "message" in parsed && typeof parsed.message === "string") return cleanText(parsed.message, { maxChars: 200 });
  } catch {
    // Not JSON: fall through.
  }
  return cleanText(body, { maxChars: 120 });
}

function networkCause(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === "string") return cleanText(cause.code, { maxChars: 40 });
  return cleanText(error instanceof Error ? error.message : String(error), { maxChars: 200 });
}
