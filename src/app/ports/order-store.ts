import type { Dec } from "../../domain/decimal.js";
import type { OrderStatus } from "../../domain/vocabulary.js";
import type { BookingOrder, BookingWrites, FillContext } from "../../domain/orders/booking.js";

/** An order as stored: what booking reads of it (BookingOrder), and its terms and broker status. */
export interface StoredOrder extends BookingOrder {
  orderType: "market" | "limit";
  limitPrice: Dec | null;
  status: OrderStatus;
  statusReason: string | null;
  brokerOrderId: string | null;
}

export type { RecordedFill } from "../../domain/orders/booking.js";

/**
 * The reads and writes of booking one fill, on a transaction the caller holds: they only map
 * rows; the booking rule (src/domain/orders/booking.ts) runs in the app between them.
 */
export interface FillBookingTransaction {
  /** One read: the order and its account locked until the commit, the held position, and whether this broker fill was booked already. */
  fillContext(orderId: string, brokerFillId: string): Promise<FillContext | undefined>;
  /** Every write of a booked fill in one statement: position, cash, the fill row, the order. */
  writeBooking(writes: BookingWrites): Promise<void>;
}

export interface OrderStore {
  get(orderId: string): Promise<StoredOrder | undefined>;
  /** After the broker answered: submitted (working), rejected or unknown (to reconcile). */
  markSubmission(orderId: string, update: { status: "submitted" | "rejected" | "unknown" | "failed"; brokerOrderId?: string | null; reason?: string | null }): Promise<void>;
  /**
   * Runs `work` in one transaction of its own: everything it writes commits together or not at
   * all. Booking a fill found outside the order guard (bookFillIn) runs here.
   */
  inTransaction<T>(work: (tx: FillBookingTransaction) => Promise<T>): Promise<T>;
  /** Orders of real-broker accounts whose broker answer was unclear, oldest first, with when they were placed. */
  unknownBrokerOrders(): Promise<(StoredOrder & { createdAt: Date })[]>;
  /** Whether a desk order already carries this broker order number. */
  isBrokerOrderLinked(brokerOrderId: string): Promise<boolean>;
  /** Orders working at a real broker (submitted or partly filled, with a broker order id), oldest first. */
  workingBrokerOrders(): Promise<StoredOrder[]>;
  /** Resting limit orders of paper accounts for these tickers, oldest first. */
  restingPaperOrders(tickers: readonly string[]): Promise<StoredOrder[]>;
}
