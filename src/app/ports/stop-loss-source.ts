import type { Dec } from "../../domain/decimal.js";

/** An open long whose newest price is at or below its stop. */
export interface StopLossCandidate {
  accountId: string;
  accountName: string;
  positionId: string;
  /** When the current holding began: a position closed and reopened is a new holding with its own stop exit. */
  openedAt: Date;
  ticker: string;
  /** Whole shares held: the stop sells all of them. */
  quantity: number;
  stopPrice: Dec;
  lastPrice: Dec;
}

export interface StopLossSource {
  /**
   * Every position with shares and a stop whose newest price is at or below that stop, oldest
   * account first; only those of `tickers` when given (a tick checks the stops of its tickers).
   */
  positionsAtOrBelowStop(tickers?: readonly string[]): Promise<StopLossCandidate[]>;
}
