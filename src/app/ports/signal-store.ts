import type { TradingSignal, TradingSignalInput } from "../../domain/signals.js";

export interface SignalStore {
  insert(signals: readonly TradingSignalInput[]): Promise<TradingSignal[]>;
  /** A ticker's newest signals, newest first. */
  recentForTicker(ticker: string, limit: number): Promise<TradingSignal[]>;
  /** Signals not yet pushed whose confidence is at least `minConfidence`, most confident first. */
  pendingAlerts(minConfidence: string, limit: number): Promise<TradingSignal[]>;
  /** Marks signals pushed; returns how many changed (a signal already marked is not counted). */
  markAlertSent(ids: readonly string[]): Promise<number>;
}
