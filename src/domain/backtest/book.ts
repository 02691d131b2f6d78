import { Dec } from "../decimal.js";
import type { AccountSnapshot, HeldPosition } from "../kill-switch/triggers.js";
import { applyFill, type PositionState, stopAfterFill } from "../portfolio/accounting.js";
import { positionValue } from "../portfolio/valuation.js";
import type { PreTradeContext } from "../risk/pre-trade.js";
import type { BacktestFill } from "./costs.js";

/**
 * A backtest's book in memory: one shared cash balance and one long position per ticker, booked
 * by the desk's own accounting (applyFill: cost basis with commissions, realised P&L, cash to the
 * cent) and stop rule (stopAfterFill), so the backtest's books reconcile with its fills exactly
 * as the desk's do. Each ticker is valued at its newest close.
 */

export interface BookPosition {
  position: PositionState;
  stop: Dec | null;
  /** The ticker's newest close and when it was struck; null before its first bar. */
  lastClose: Dec | null;
  closeTime: Date | null;
}

export class BacktestBook {
  cash: Dec;
  readonly positions = new Map<string, BookPosition>();

  constructor(
    readonly capital: Dec,
    tickers: readonly string[],
    private readonly defaultStopPct: number,
  ) {
    this.cash = capital;
    for (const ticker of tickers) {
      this.positions.set(ticker, { position: { ticker, quantity: 0, costBasis: new Dec(0), realizedPnl: new Dec(0) }, stop: null, lastClose: null, closeTime: null });
    }
  }

  private entry(ticker: string): BookPosition {
    const entry = this.positions.get(ticker);
    if (!entry) throw new RangeError(`${ticker} is not in this backtest's universe`);
    return entry;
  }

  held(ticker: string): number {
    return this.entry(ticker).position.quantity;
  }

  stopOf(ticker: string): Dec | null {
    return this.entry(ticker).stop;
  }

  lastClose(ticker: string): Dec | null {
    return this.entry(ticker).lastClose;
  }

  closeTime(ticker: string): Date | null {
    return this.entry(ticker).closeTime;
  }

  /** The ticker's bar closed: it is valued at this close from now on. */
  mark(ticker: string, close: Dec, at: Date): void {
    const entry = this.entry(ticker);
    entry.lastClose = close;
    entry.closeTime = at;
  }

  /** A ticker's value at its newest close, by the desk's one valuation (valuation.ts). */
  valueOf(ticker: string): Dec {
    const { position, lastClose } = this.entry(ticker);
    return positionValue({ quantity: position.quantity, lastPrice: lastClose, costBasis: position.costBasis });
  }

  positionsValue(): Dec {
    let sum = new Dec(0);
    for (const ticker of this.positions.keys()) sum = sum.plus(this.valueOf(ticker));
    return sum;
  }

  equity(): Dec {
    return this.cash.plus(this.positionsValue());
  }

  /** Books a fill; returns its realised P&L (0 for a buy). */
  book(ticker: string, fill: BacktestFill, orderStop: Dec | null): Dec {
    const entry = this.entry(ticker);
    const result = applyFill(entry.position, ticker, { side: fill.side, quantity: fill.quantity, price: fill.price, commission: fill.commission });
    if (!result.cash.net.eq(fill.net)) throw new Error(`${ticker} ${fill.date}: the fill's cash ${fill.net.toFixed(2)} and the books' ${result.cash.net.toFixed(2)} differ`);
    entry.position = result.position;
    entry.stop = stopAfterFill(fill.side, orderStop, entry.stop, result.position, this.defaultStopPct);
    this.cash = this.cash.plus(result.cashDelta);
    return result.realizedPnl;
  }

  /** What the pre-trade checks read of the book: held quantities and their values. */
  preTradePositions(): PreTradeContext["positions"] {
    const map = new Map<string, { quantity: number; value: Dec }>();
    for (const [ticker, { position }] of this.positions) {
      if (position.quantity > 0) map.set(ticker, { quantity: position.quantity, value: this.valueOf(ticker) });
    }
    return map;
  }

  /** The held positions as the kill switch's snapshot lists them. */
  heldPositions(): HeldPosition[] {
    const held: HeldPosition[] = [];
    for (const [ticker, { position, lastClose, closeTime }] of this.positions) {
      if (position.quantity > 0) held.push({ ticker, quantity: position.quantity, lastPrice: lastClose, priceTime: closeTime, priceSource: "backtest" });
    }
    return held;
  }

  /** Everything the kill switch's triggers read, at `now`. */
  snapshot(input: Pick<AccountSnapshot, "startOfDayEquity" | "peakEquity" | "ordersToday" | "now">): AccountSnapshot {
    return {
      ...input,
      equity: this.equity(),
      positions: this.heldPositions(),
      // No broker is called in a backtest.
      consecutiveApiErrors: 0,
      // Checked at the close: a daily bar is the newest price there is, never stale.
      marketOpen: false,
      phase: { mode: "shadow", phase: "shadow", startEquity: this.capital },
    };
  }
}
