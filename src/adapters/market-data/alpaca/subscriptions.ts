import { subscriptionMessage } from "./messages.js";

export interface SubscriptionRequest {
  action: "subscribe" | "unsubscribe";
  tickers: string[];
  /** The frame to send. */
  frame: string;
  /** When it was sent (ms, the stream's clock): an answer that never comes is a dead socket. */
  sentAt: number;
}

export interface Refusal {
  ticker: string;
  reason: string;
}

/**
 * The trades subscription of one connection: what the desk wants, what Alpaca says we have, and
 * the one change in flight. Alpaca answers every subscribe/unsubscribe with the whole current
 * list, or with an error that names no symbol; keeping a single request in flight (as the
 * official SDKs do) makes every answer belong to exactly one request. Each next request is
 * worked out from the difference between wanted and subscribed, so follow() can change the
 * wanted set at any time and nothing is queued twice.
 */
export class SubscriptionBook {
  private wanted: string[] = [];
  private subscribed = new Set<string>();
  /** Refused on this connection: not asked again until a slot frees up or we reconnect. */
  private refused = new Set<string>();
  /** Alpaca would not drop them: kept out of the next unsubscribe so we do not loop. */
  private stuck = new Set<string>();
  private inFlight: SubscriptionRequest | undefined;
  /** After a batch was refused, ask one ticker at a time to learn which ones do not fit. */
  private oneByOne = false;

  /** The tickers to follow, highest priority first (the ones that fit a symbol limit). */
  want(tickers: readonly string[]): void {
    this.wanted = [...tickers];
  }

  isWanted(ticker: string): boolean {
    return this.wanted.includes(ticker);
  }

  /** A new connection starts with nothing subscribed. */
  reset(): void {
    this.subscribed.clear();
    this.refused.clear();
    this.stuck.clear();
    this.inFlight = undefined;
    this.oneByOne = false;
  }

  get pending(): SubscriptionRequest | undefined {
    return this.inFlight;
  }

  get count(): number {
    return this.subscribed.size;
  }

  /** The next change to send, or undefined when one is in flight or nothing is left to change. */
  next(now: number): SubscriptionRequest | undefined {
    if (this.inFlight) return undefined;
    const wanted = new Set(this.wanted);
    const drop = [...this.subscribed].filter((t) => !wanted.has(t) && !this.stuck.has(t));
    if (drop.length > 0) return this.send("unsubscribe", drop, now);
    const add = this.wanted.filter((t) => !this.subscribed.has(t) && !this.refused.has(t));
    if (add.length === 0) {
      this.oneByOne = false;
      return undefined;
    }
    return this.send("subscribe", this.oneByOne ? add.slice(0, 1) : add, now);
  }

  /** Alpaca's answer: the whole trades subscription. Asked-for tickers missing from it are refused. */
  answered(trades: readonly string[]): Refusal[] {
    const request = this.inFlight;
    this.inFlight = undefined;
    const before = this.subscribed.size;
    this.subscribed = new Set(trades);
    if (this.subscribed.size < before) this.refused.clear();
    if (request?.action !== "subscribe") return [];
    return this.refuse(
      request.tickers.filter((t) => !this.subscribed.has(t)),
      "Alpaca did not subscribe it",
    );
  }

  /** An error that answers the request in flight (e.g. 405 symbol limit exceeded). */
  failed(reason: string): Refusal[] {
    const request = this.inFlight;
    this.inFlight = undefined;
    if (!request) return [];
    if (request.action === "unsubscribe") {
      for (const t of request.tickers) this.stuck.add(t);
      return [];
    }
    if (request.tickers.length > 1) {
      // Alpaca keeps the subscription as it was; retry one ticker at a time, in priority order.
      this.oneByOne = true;
      return [];
    }
    return this.refuse(request.tickers, reason);
  }

  private refuse(tickers: string[], reason: string): Refusal[] {
    for (const t of tickers) this.refused.add(t);
    return tickers.map((ticker) => ({ ticker, reason }));
  }

  private send(action: SubscriptionRequest["action"], tickers: string[], now: number): SubscriptionRequest {
    this.inFlight = { action, tickers, frame: subscriptionMessage(action, tickers), sentAt: now };
    return this.inFlight;
  }
}
