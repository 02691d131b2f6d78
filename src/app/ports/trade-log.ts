import type { Dec } from "../../domain/decimal.js";
import type { Side } from "../../domain/vocabulary.js";

export interface TradeRow {
  ticker: string;
  side: Side;
  quantity: number;
  price: Dec;
  commission: Dec;
  /** Realised P&L of a SELL; null for a BUY. */
  realizedPnl: Dec | null;
  filledAt: Date;
  /** operator, warroom, stop-loss, replay. */
  source: string;
}

/** What was traded, for the reports. */
export interface TradeLog {
  /** Fills of the trading days from `firstDay` to `lastDay` (New York dates, both included), oldest first. */
  fills(accountId: string, firstDay: string, lastDay: string): Promise<TradeRow[]>;
}
