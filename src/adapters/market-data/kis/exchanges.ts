import { DEFAULT_EXCHANGES, type OrderExchange, QUOTE_EXCHANGE, type QuoteExchange } from "../../broker/kis/environments.js";

/** The quote exchanges tried, in turn, for a ticker nobody named an exchange for. */
export const PROBE_ORDER: readonly QuoteExchange[] = ["NAS", "NYS", "AMS"];

/**
 * Which US exchange a ticker quotes on (KIS wants it on every quotation and in the real-time
 * key): the operator's list, then the built-in defaults, then what a probe found. One instance
 * can be shared by the poller, the history and the stream so that a probe answers for all.
 */
export class KisExchanges {
  private readonly learned = new Map<string, QuoteExchange>();

  constructor(private readonly named: Readonly<Record<string, OrderExchange>> = {}) {}

  static of(exchanges: Readonly<Record<string, OrderExchange>> | KisExchanges | undefined): KisExchanges {
    return exchanges instanceof KisExchanges ? exchanges : new KisExchanges(exchanges ?? {});
  }

  /** The ticker's quote exchange, or undefined when nobody knows it yet. */
  known(ticker: string): QuoteExchange | undefined {
    const order = this.named[ticker] ?? DEFAULT_EXCHANGES[ticker];
    return order ? QUOTE_EXCHANGE[order] : this.learned.get(ticker);
  }

  learn(ticker: string, exchange: QuoteExchange): void {
    this.learned.set(ticker, exchange);
  }
}
