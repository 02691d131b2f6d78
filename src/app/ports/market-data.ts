import type { PriceBar } from "../../domain/prices.js";
import type { Tick } from "../../domain/tick-coalescing.js";

/** Where live prices come from by polling: the broker's quotes, or a replay of history in local mode. */
export interface MarketDataProvider {
  readonly name: string;
  /** Polled outside exchange hours too (a replay keeps its own clock). */
  readonly alwaysOpen: boolean;
  /**
   * The newest bar of every ticker it follows, stamped with the time it is true for. A provider
   * that fetches ticker by ticker also hands each bar to `onBar` as soon as it has it, so a crash
   * early in a long polling round is acted on at once, not at the round's end.
   */
  poll(now: Date, onBar?: (bar: PriceBar) => void): Promise<PriceBar[]>;
}

export type { Tick } from "../../domain/tick-coalescing.js";

/** Where a streaming provider pushes what it hears. Never blocks and never throws. */
export interface TickSink {
  push(tick: Tick): void;
}

/** What a streaming provider says about its own connection; the desk alerts and reports from it. */
export interface FeedStatusSink {
  /** Connected, authenticated and subscribed: ticks may flow. */
  live(detail?: string): void;
  /** Not receiving (closed, refused, silent, auth failed); `reason` is for operators. */
  down(reason: string): void;
  /** A ticker the provider refused or does not know (it is not followed). */
  refused(ticker: string, reason: string): void;
}

/**
 * A provider that pushes trades over a long-lived connection. It reconnects by itself (with
 * back-off) and resubscribes every followed ticker after a reconnect.
 */
export interface StreamingMarketData {
  readonly name: string;
  /** Connects and keeps connecting until stop(); resolves once the first attempt has been made. */
  start(sink: TickSink, status: FeedStatusSink): Promise<void>;
  /** The tickers to follow from now on (subscribes the new, unsubscribes the dropped). */
  follow(tickers: readonly string[]): void;
  /** Closes the connection and every timer; no reconnect after it. */
  stop(): Promise<void>;
}

/** A provider's history API: daily bars, oldest first, split-adjusted where the provider offers it. */
export interface PriceHistory {
  readonly name: string;
  /** At least `days` trading days of daily bars ending on or before `until` (fewer only if the provider has fewer). */
  dailyBars(ticker: string, days: number, until: Date): Promise<PriceBar[]>;
}
