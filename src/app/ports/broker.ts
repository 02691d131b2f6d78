import type { Dec } from "../../domain/decimal.js";
import type { FillReport } from "../../domain/orders/booking.js";
import type { OrderType, Side } from "../../domain/vocabulary.js";

export interface BrokerOrder {
  orderId: string;
  accountId: string;
  side: Side;
  ticker: string;
  quantity: number;
  orderType: OrderType;
  limitPrice: Dec | null;
}

/** One fill as the broker reports it: what booking (src/domain/orders/booking.ts) books. */
export type BrokerFill = FillReport;

export type SubmitResult =
  | { status: "filled"; brokerOrderId: string; fills: BrokerFill[] }
  /** Working at the broker (a resting limit order): fills come later. */
  | { status: "accepted"; brokerOrderId: string }
  | { status: "rejected"; reason: string }
  /** The broker's answer is unclear (timeout): never resubmit, reconcile through fills(). */
  | { status: "unknown"; detail: string };

/** An order as the broker holds it, found without its order number. */
export interface BrokerOrderRecord {
  brokerOrderId: string;
  ticker: string;
  side: Side;
  quantity: number;
  filledQuantity: number;
  at: Date | undefined;
}

export interface BrokerPosition {
  ticker: string;
  quantity: number;
}

/** What a real broker lets one more BUY use, read from the broker itself (KIS: inquire-psamount). */
export interface BuyingPower {
  /** USD the broker lets an order use now. */
  cash: Dec;
  /** The most whole shares of the ticker it would accept at `price`. */
  maxQuantity: number;
  /** The price the figures were asked at. */
  price: Dec;
}

/** One line of a broker's statement: a trade as booked, with everything charged for it. */
export interface StatementTrade {
  /** Exchange-local trade date, YYYY-MM-DD. */
  tradeDate: string;
  ticker: string;
  side: Side;
  quantity: number;
  /** All fees charged for it, in USD: what cash moved beyond the traded amount. */
  fee: Dec;
}

/** What every broker (paper, KIS) offers the order path. */
export interface Broker {
  readonly name: "paper" | "kis";
  /**
   * A simulated broker that decides from the quote it is given, without I/O: its fills are
   * booked in the transaction that records the order. A real broker is never called while
   * the account is locked.
   */
  readonly fillsInline: boolean;
  /**
   * `cash` is what the desk knows the account has: a broker refuses what it cannot cover.
   * `quote` is the newest price the desk read for the pre-trade checks; a simulated broker may
   * fill at it instead of reading it again, a real one ignores it.
   */
  submit(order: BrokerOrder, account: { cash: Dec; quote?: { price: Dec; at: Date } }): Promise<SubmitResult>;
  cancel(brokerOrderId: string): Promise<boolean>;
  quote(ticker: string): Promise<{ price: Dec; at: Date } | undefined>;
  positions(accountId: string): Promise<BrokerPosition[]>;
  fills(brokerOrderId: string): Promise<BrokerFill[]>;
  /**
   * The broker's orders of a ticker and side since `from`: how an order whose answer was lost
   * (no order number) is found again. A simulated broker never loses an answer and has none.
   */
  findOrders?(query: { ticker: string; side: Side; from: Date }): Promise<BrokerOrderRecord[]>;
  /**
   * A real broker's buying power for a BUY of `ticker` at `price` (absent: the price a market
   * order would be sent at). Throws when the broker gives no usable answer: the caller refuses.
   */
  buyingPower?(query: { ticker: string; price?: Dec }): Promise<BuyingPower>;
  /**
   * The broker's statement of trades with exchange-local trade dates `from`..`to` (YYYY-MM-DD,
   * inclusive), with their fees; undefined when this broker keeps none (KIS paper).
   */
  statement?(query: { from: string; to: string }): Promise<StatementTrade[] | undefined>;
}
