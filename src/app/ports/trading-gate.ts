import type { Dec } from "../../domain/decimal.js";
import type { LockedKillSwitch } from "../../domain/kill-switch/admission.js";
import type { OrderTerms } from "../../domain/orders/order-request.js";
import type { AccountMode, OrderStatus, Phase } from "../../domain/vocabulary.js";
import type { FillBookingTransaction } from "./order-store.js";

export interface NewOrder extends OrderTerms {
  tradingDay: string;
  proposalId?: string | null;
}

/** A held position with the newest price of its ticker, as stored: the app values it. */
export interface HeldAtPrice {
  ticker: string;
  quantity: number;
  costBasis: Dec;
  /** Newest known price; null when the ticker has no price at all. */
  lastPrice: Dec | null;
}

/** The rows the pre-trade checks decide on, read inside the guard so they cannot change underneath. */
export interface PreTradeRows {
  accountMode: AccountMode;
  phase: Phase;
  cash: Dec;
  phaseStartEquity: Dec;
  /** Every position with shares. */
  positions: HeldAtPrice[];
  lastPrice: Dec | null;
  priceTime: Date | null;
  ordersToday: number;
  /** The order already recorded under the request's idempotency key, if any. */
  existing: { id: string; status: OrderStatus } | undefined;
}

/**
 * The reads and writes an order may make while the account's kill-switch row is locked. They
 * only map rows: admission, valuation, the pre-trade checks and booking run in the app.
 */
export interface GuardedTransaction extends FillBookingTransaction {
  /** One read: the account, its positions at their newest prices, the ticker's price, today's orders, and an order under this key. */
  preTradeRows(ticker: string, tradingDay: string, idempotencyKey: string): Promise<PreTradeRows>;
  /**
   * Records the order; undefined when an order with the same idempotency key exists already. An
   * order for a proposal is recorded only while that proposal is still `approved` (its row is
   * locked until the commit): a proposal that crash recovery has settled meanwhile throws.
   */
  insertOrder(order: NewOrder): Promise<string | undefined>;
  /** Records a simulated broker's answer other than a fill in the transaction that recorded the order. */
  markSubmission(orderId: string, update: { status: "submitted" | "rejected" | "unknown"; brokerOrderId?: string | null; reason?: string | null }): Promise<void>;
}

/**
 * The execution guard's unit of work: one transaction that holds the account's kill-switch row
 * lock from its first read to the commit, so no order is recorded after a halt has committed.
 * `work` gets the locked row (undefined when the account has none) and decides who may trade
 * (admitOrder in src/domain/kill-switch/admission.ts); whatever it returns commits.
 */
export interface TradingGate {
  lockAccount<T>(accountId: string, work: (tx: GuardedTransaction, locked: LockedKillSwitch | undefined) => Promise<T>): Promise<T>;
}
