import type { Dec } from "../../domain/decimal.js";
import type { OrderSource, OrderType, Side } from "../../domain/vocabulary.js";

export interface NewOrder {
  accountId: string;
  idempotencyKey: string;
  source: OrderSource;
  side: Side;
  ticker: string;
  quantity: number;
  orderType: OrderType;
  limitPrice: Dec | null;
  stopPrice: Dec | null;
  requestedBy: string;
  tradingDay: string;
  proposalId?: string | null;
}

/** The writes an order may make while the account's kill-switch row is locked. */
export interface GuardedTransaction {
  /** Records the order; undefined when an order with the same idempotency key exists already. */
  insertOrder(order: NewOrder): Promise<string | undefined>;
  ordersOn(tradingDay: string): Promise<number>;
}

export type GateResult<T> = { allowed: true; value: T } | { allowed: false; state: "HALTED" | "UNKNOWN"; reason: string };

/**
 * The execution guard: "may this account trade?" and the order's insert happen in one
 * transaction that holds the account's kill-switch row lock, so no order is recorded after a
 * halt has committed. A risk-reducing order passes while halted; nothing passes when the state
 * cannot be read.
 */
export interface TradingGate {
  whenAllowed<T>(accountId: string, riskReducing: boolean, work: (tx: GuardedTransaction) => Promise<T>): Promise<GateResult<T>>;
}
