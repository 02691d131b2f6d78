import type { PriceHistory } from "../../../app/ports/market-data.js";
import { dailyBarTime } from "../../../domain/market-time.js";
import type { PriceBar } from "../../../domain/prices.js";
import { cleanText, cutText } from "../../../domain/text.js";
import type { Logger } from "../../../logger.js";
import { KIS_DAILY_PRICE_TR_ID, KIS_PATHS, type OrderExchange, type QuoteExchange } from "../../broker/kis/environments.js";
import { KisError } from "../../broker/kis/errors.js";
import { type KisHttp, str } from "../../broker/kis/http.js";
import { parseNumber } from "../../broker/kis/prices.js";
import { exchangeDate, rowsOf } from "../../broker/kis/rows.js";
import { KisExchanges, PROBE_ORDER } from "./exchanges.js";
import { wholeShares } from "./quote.js";

export interface KisHistoryOptions {
  http: KisHttp;
  exchanges?: Readonly<Record<string, OrderExchange>> | KisExchanges;
  log?: Pick<Logger, "warn">;
  /** Pages asked before giving up on reaching `days` (default 30; a page holds about 100 days). */
  maxPages?: number;
  /** How many times a page that was "paced" (orders had the budget) is asked again (default 10). */
  pacedRetries?: number;
}

/**
 * Daily bars from KIS's period quotation (HHDFS76240000: GUBN 0 daily, MODP 1 adjusted for
 * splits), newest first per page. Pages are walked backwards by asking again with BYMD set to the
 * day before the oldest row received, which does not depend on continuation headers.
 */
export class KisHistory implements PriceHistory {
  readonly name = "kis";
  private readonly exchanges: KisExchanges;

  constructor(private readonly o: KisHistoryOptions) {
    this.exchanges = KisExchanges.of(o.exchanges);
  }

  async dailyBars(ticker: string, days: number, until: Date): Promise<PriceBar[]> {
    if (days <= 0) return [];
    const known = this.exchanges.known(ticker);
    for (const exchange of known ? [known] : PROBE_ORDER) {
      const bars = await this.walk(exchange, ticker, days, until);
      if (bars.length === 0) continue;
      if (!known) this.exchanges.learn(ticker, exchange);
      return bars.slice(-days);
    }
    return [];
  }

  private async walk(exchange: QuoteExchange, ticker: string, days: number, until: Date): Promise<PriceBar[]> {
    const byDate = new Map<string, PriceBar>();
    let base = exchangeDate(until);
    for (let page = 0; page < (this.o.maxPages ?? 30) && byDate.size < days; page++) {
      const rows = await this.page(exchange, ticker, base);
      let oldest: string | undefined;
      for (const row of rows) {
        const date = str(row.xymd).trim();
        if (!/^\d{8}$/.test(date) || date > base) continue;
        if (!oldest || date < oldest) oldest = date;
        if (byDate.has(date)) continue;
        const bar = toBar(ticker, date, row);
        if (bar) byDate.set(date, bar);
        else this.o.log?.warn({ ticker: cutText(cleanText(ticker), 16), date }, "KIS daily row without valid prices skipped");
      }
      if (!oldest) break;
      base = dayBefore(oldest);
    }
    return [...byDate.values()].sort((a, b) => a.time.getTime() - b.time.getTime());
  }

  private async page(exchange: QuoteExchange, ticker: string, base: string): Promise<Record<string, unknown>[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.o.http.request({
          method: "GET",
          path: KIS_PATHS.dailyPrice,
          trId: KIS_DAILY_PRICE_TR_ID,
          kind: "query",
          lane: "market-data",
          params: { AUTH: "", EXCD: exchange, SYMB: ticker, GUBN: "0", BYMD: base, MODP: "1" },
        });
        return rowsOf(res.body.output2);
      } catch (error) {
        // A backfill is not urgent: when orders hold the budget it asks again (the wait is KisHttp's).
        if (error instanceof KisError && error.code === "PACED" && attempt < (this.o.pacedRetries ?? 10)) continue;
        throw error;
      }
    }
  }
}

function toBar(ticker: string, date: string, row: Record<string, unknown>): PriceBar | undefined {
  const [open, high, low, close] = [row.open, row.high, row.low, row.clos].map(parseNumber);
  if (!open || !high || !low || !close || !open.gt(0) || !high.gt(0) || !low.gt(0) || !close.gt(0)) return undefined;
  const iso = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`;
  let time: Date;
  try {
    time = dailyBarTime(iso, "America/New_York");
  } catch {
    return undefined;
  }
  return { ticker, time, open, high, low, close, adjClose: close, volume: wholeShares(row.tvol) ?? 0n, source: "kis:daily" };
}

/** YYYYMMDD of the calendar day before (weekends and holidays simply have no rows). */
function dayBefore(yyyymmdd: string): string {
  const d = new Date(Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8)) - 86_400_000);
  return d.toISOString().slice(0, 10).replaceAll("-", "");
}
