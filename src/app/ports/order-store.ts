import type { Dec } from "../../domain/decimal.js";
import type { OrderStatus, Side } from "../../domain/vocabulary.js";
import type { BrokerFill } from "./broker.js";

export interface StoredOrder {
  id: string;
  accountId: string;
  side: Side;
  ticker: string;
  quantity: number;
  filledQuantity: number;
  orderType: "market" | "limit";
  limitPrice: Dec | null;
  stopPrice: Dec | null;
  status: OrderStatus;
  statusReason: string | null;
  brokerOrderId: string | null;
  averageFillPrice: Dec | null;
}

export interface RecordedFill {
  orderId: string;
  accountId: string;
  ticker: string;
  side: Side;
  quantity: number;
  price: Dec;
  /** The booked amounts, in cents (src/domain/portfolio/accounting.ts): cash moved by exactly `netAmount`. */
  grossAmount: Dec;
  commission: Dec;
  netAmount: Dec;
  realizedPnl: Dec;
  cashAfter: Dec;
  positionAfter: { quantity: number; costBasis: Dec; stopPrice: Dec | null };
  orderStatus: OrderStatus;
}

export interface OrderStore {
  get(orderId: string): Promise<StoredOrder | undefined>;
  /** After the broker answered: submitted (working), rejected or unknown (to reconcile). */
  markSubmission(orderId: string, update: { status: "submitted" | "rejected" | "unknown" | "failed"; brokerOrderId?: string | null; reason?: string | null }): Promise<void>;
  /**
   * Books one fill atomically: the fill row, the order's filled quantity and status, the
   * position (cost basis, realised P&L, stop) and the cash. Idempotent per broker fill id.
   * `defaultStopPct` sets the stop of a new long when the order named none.
   */
  recordFill(orderId: string, fill: BrokerFill, defaultStopPct: number, brokerOrderId?: string): Promise<RecordedFill | undefined>;
  /** Orders of real-broker accounts whose broker answer was unclear, oldest first, with when they were placed. */
  unknownBrokerOrders(): Promise<(StoredOrder & { createdAt: Date })[]>;
  /** Whether a desk order already carries this broker order number. */
  isBrokerOrderLinked(brokerOrderId: string): Promise<boolean>;
  /** Orders working at a real broker (submitted or partly filled, with a broker order id), oldest first. */
  workingBrokerOrders(): Promise<StoredOrder[]>;
  /** Resting limit orders of paper accounts for these tickers, oldest first. */
  restingPaperOrders(tickers: readonly string[]): Promise<StoredOrder[]>;
}
