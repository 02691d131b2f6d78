import type { MarketDataProvider } from "../../../app/ports/market-data.js";
import type { PriceBar } from "../../../domain/prices.js";
import { cleanText, cutText } from "../../../domain/text.js";
import type { Logger } from "../../../logger.js";
import type { KisEnv, OrderExchange, QuoteExchange } from "../../broker/kis/environments.js";
import { KisError } from "../../broker/kis/errors.js";
import type { KisHttp } from "../../broker/kis/http.js";
import { KisExchanges, PROBE_ORDER } from "./exchanges.js";
import { QuoteClock } from "./quote-clock.js";
import { type KisQuote, requestQuote } from "./quote.js";

export interface KisQuotePollerOptions {
  /** Built with the desk's TokenCache and RedisKisPacer: the token and the request budget are shared with the broker. */
  http: KisHttp;
  env: KisEnv;
  /** The tickers to quote, held first (the order decides who is skipped when the budget is short). */
  followed: () => Promise<readonly string[]>;
  /** ticker -> order exchange, or a KisExchanges shared with the stream and the history. */
  exchanges?: Readonly<Record<string, OrderExchange>> | KisExchanges;
  log?: Pick<Logger, "debug" | "warn">;
  /** Shared with KisBroker to stamp both from the same observations; a fresh one by default. */
  clock?: QuoteClock;
}

/** Skipped or failed this round: the reason, for the log and for the error when every ticker failed. */
type Outcome = { bar: PriceBar } | { skipped: string } | { failed: string };

/**
 * Last prices of the followed tickers by polling KIS's quotation (lane "market-data": it yields to
 * orders and is skipped when the shared budget is busy). A quote carries no time: each bar is
 * stamped by QuoteClock, never later than its trade, and a ticker seen for the first time is
 * reported from its second poll on.
 */
export class KisQuotePoller implements MarketDataProvider {
  readonly name = "kis";
  readonly alwaysOpen = false;
  private readonly exchanges: KisExchanges;
  private readonly clock: QuoteClock;

  constructor(private readonly o: KisQuotePollerOptions) {
    this.exchanges = KisExchanges.of(o.exchanges);
    this.clock = o.clock ?? new QuoteClock();
  }

  async poll(now: Date, onBar?: (bar: PriceBar) => void): Promise<PriceBar[]> {
    const tickers = [...new Set(await this.o.followed())];
    const bars: PriceBar[] = [];
    const failures: string[] = [];
    for (const ticker of tickers) {
      const outcome = await this.pollOne(ticker, now);
      if ("bar" in outcome) {
        bars.push(outcome.bar);
        onBar?.(outcome.bar);
      }
      else if ("skipped" in outcome) this.o.log?.debug({ ticker: safe(ticker), reason: outcome.skipped }, "KIS quote skipped this round");
      else {
        failures.push(`${safe(ticker)}: ${outcome.failed}`);
        this.o.log?.warn({ ticker: safe(ticker), reason: outcome.failed }, "KIS quote failed");
      }
    }
    if (tickers.length > 0 && failures.length === tickers.length) {
      throw new Error(`KIS quotes failed for every followed ticker (${failures.length}); first: ${failures[0]}`);
    }
    return bars;
  }

  private async pollOne(ticker: string, now: Date): Promise<Outcome> {
    let found: { quote: KisQuote } | undefined;
    try {
      found = await this.quoteOf(ticker);
    } catch (error) {
      if (error instanceof KisError && error.code === "PACED") return { skipped: "the shared KIS budget is busy (orders first)" };
      return { failed: error instanceof KisError ? cutText(cleanText(error.operatorText), 200) : cutText(cleanText(String(error)), 200) };
    }
    if (!found) return { failed: "KIS has no last price for it" };
    const { last, tvol } = found.quote;
    const time = this.clock.stamp(ticker, last, tvol, now);
    if (!time) return { skipped: "no time known yet for its last trade (first sight)" };
    return { bar: { ticker, time, open: last, high: last, low: last, close: last, adjClose: null, volume: tvol ?? 0n, source: "kis:rest" } };
  }

  /** The quote on the ticker's known exchange, or the first of NAS, NYS, AMS that has a last price (remembered). */
  private async quoteOf(ticker: string): Promise<{ quote: KisQuote } | undefined> {
    const known = this.exchanges.known(ticker);
    const candidates: readonly QuoteExchange[] = known ? [known] : PROBE_ORDER;
    for (const exchange of candidates) {
      const quote = await requestQuote(this.o.http, this.o.env, exchange, ticker, "market-data");
      if (!quote) continue;
      if (!known) this.exchanges.learn(ticker, exchange);
      return { quote };
    }
    return undefined;
  }
}

function safe(ticker: string): string {
  return cutText(cleanText(ticker), 16);
}
