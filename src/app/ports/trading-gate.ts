import type { Dec } from "../../domain/decimal.js";
import type { OrderTerms } from "../../domain/orders/order-request.js";
import type { AccountMode, OrderStatus, Phase } from "../../domain/vocabulary.js";
import type { BrokerFill } from "./broker.js";
import type { RecordedFill } from "./order-store.js";

export interface NewOrder extends OrderTerms {
  tradingDay: string;
  proposalId?: string | null;
}

/** Everything the pre-trade checks need, read inside the guard so it cannot change underneath. */
export interface PreTradeView {
  accountMode: AccountMode;
  phase: Phase;
  cash: Dec;
  /** Cash plus every position at its newest price (unpriced positions count at cost). */
  equity: Dec;
  phaseStartEquity: Dec;
  positions: Map<string, { quantity: number; value: Dec }>;
  lastPrice: Dec | null;
  priceTime: Date | null;
  ordersToday: number;
  /** The order already recorded under the request's idempotency key, if any. */
  existing: { id: string; status: OrderStatus } | undefined;
}

/** The reads and writes an order may make while the account's kill-switch row is locked. */
export interface GuardedTransaction {
  /** One read: the account, its positions at their newest prices, the ticker's price, today's orders, and an order under this key. */
  preTradeView(ticker: string, tradingDay: string, idempotencyKey: string): Promise<PreTradeView>;
  /** Books a fill of an order recorded in this transaction (a broker that fills inline). */
  bookFill(orderId: string, fill: BrokerFill, defaultStopPct: number, brokerOrderId: string): Promise<RecordedFill | undefined>;
  /**
   * Records the order; undefined when an order with the same idempotency key exists already. An
   * order for a proposal is recorded only while that proposal is still `approved` (its row is
   * locked until the commit): a proposal that crash recovery has settled meanwhile throws.
   */
  insertOrder(order: NewOrder): Promise<string | undefined>;
  /** Records a simulated broker's answer other than a fill in the transaction that recorded the order. */
  markSubmission(orderId: string, update: { status: "submitted" | "rejected" | "unknown"; brokerOrderId?: string | null; reason?: string | null }): Promise<void>;
}

export type GateResult<T> = { allowed: true; value: T } | { allowed: false; state: "HALTED" | "UNKNOWN"; reason: string };

/**
 * The execution guard: "may this account trade?" and the order's insert happen in one
 * transaction that holds the account's kill-switch row lock, so no order is recorded after a
 * halt has committed. A risk-reducing order passes while halted; nothing passes when the state
 * cannot be read.
 */
export interface TradingGate {
  /** `work` learns the state it was let in under: a SELL may enter while HALTED and must then prove it reduces risk. */
  whenAllowed<T>(accountId: string, riskReducing: boolean, work: (tx: GuardedTransaction, state: "ACTIVE" | "HALTED") => Promise<T>): Promise<GateResult<T>>;
}
