import type { Dec } from "../../domain/decimal.js";
import type { ClosedTrade, EquityPoint } from "../../domain/metrics.js";
import type { AccountMode, Broker, Phase } from "../../domain/vocabulary.js";

/**
 * Read-only access to the desk's books for the operator views (/status, /monitor, /phase). It
 * never writes: a look at the desk must not change it.
 */

export interface AccountSummary {
  id: string;
  name: string;
  mode: AccountMode;
  broker: Broker;
  phase: Phase;
  currency: string;
  cash: Dec;
  startingCapital: Dec;
  phaseStartedAt: Date;
  /** Equity when the current phase began: the phase's P&L (and loss limit) counts from here. */
  phaseStartEquity: Dec;
  createdAt: Date;
  /** The broker account a live account trades, masked ("1234****-01"); null for paper. */
  brokerAccount: string | null;
}

export interface PositionView {
  ticker: string;
  /** Whole shares, always above 0 (flat positions are not listed). */
  quantity: number;
  /** Total cost of the shares held, buy commissions included. */
  costBasis: Dec;
  /** costBasis / quantity, to 6 places. */
  averagePrice: Dec;
  stopPrice: Dec | null;
  /** The ticker's newest stored close and its time; null when the ticker has no price at all. */
  lastPrice: Dec | null;
  priceTime: Date | null;
  realizedPnl: Dec;
}

export interface DatedTrade extends ClosedTrade {
  /** When the closing (SELL) fill happened. */
  at: Date;
}

export interface DeskReader {
  /** Every account, oldest first. */
  accounts(): Promise<AccountSummary[]>;
  account(id: string): Promise<AccountSummary | undefined>;
  /** Open positions (quantity > 0) by ticker, each with its ticker's newest price. */
  positions(accountId: string): Promise<PositionView[]>;
  /** The start-of-day equity mark of that trading day (YYYY-MM-DD); null when none was taken yet. */
  startOfDayEquity(accountId: string, tradingDay: string): Promise<Dec | null>;
  /** Realized P&L of each SELL fill (at or after `since`), oldest first. */
  closedTrades(accountId: string, since?: Date): Promise<DatedTrade[]>;
  /** End-of-day equity marks (taken at or after `since`), oldest first. */
  endOfDayCurve(accountId: string, since?: Date): Promise<EquityPoint[]>;
}
