import { Dec } from "../decimal.js";
import { applyFill, stopAfterFill, type PositionState } from "../portfolio/accounting.js";
import type { OrderStatus, Side } from "../vocabulary.js";

/**
 * Booking one broker fill: the desk's one rule for what a fill changes, used by every path that
 * books one (an inline paper fill under the kill-switch lock, a broker's fill found later). Pure:
 * it reads the locked context the caller loaded and returns every write, which the caller makes
 * in the same transaction.
 */

/** The order a fill belongs to, as booking needs it. */
export interface BookingOrder {
  id: string;
  accountId: string;
  side: Side;
  ticker: string;
  quantity: number;
  filledQuantity: number;
  /** The stop the order named (a BUY's own stop wins over the default). */
  stopPrice: Dec | null;
  averageFillPrice: Dec | null;
}

/** What booking reads, with the order and its account locked until the writes commit. */
export interface FillContext {
  order: BookingOrder;
  accountCash: Dec;
  /** The account's position in the order's ticker (a flat one included), undefined if it never held it. */
  held: (PositionState & { stopPrice: Dec | null }) | undefined;
  /** This broker fill of this order is booked already (a retried job, a reconciliation). */
  alreadyBooked: boolean;
}

/** One fill as the broker reports it. */
export interface FillReport {
  quantity: number;
  price: Dec;
  commission: Dec;
  brokerFillId: string;
  at: Date;
}

/** Every write of a booked fill: the position, the cash, the fill row and the order. */
export interface BookingWrites {
  orderId: string;
  accountId: string;
  ticker: string;
  position: { quantity: number; costBasis: Dec; realizedPnl: Dec; stopPrice: Dec | null };
  /**
   * The locked balance plus the fill's net amount: the amount the fill row's generated net_amount
   * column computes by the same rule, so cash always equals starting capital plus the account's
   * net amounts (reconcileBooks checks it).
   */
  cashAfter: Dec;
  fill: { side: Side; quantity: number; price: Dec; commission: Dec; realizedPnl: Dec; brokerFillId: string; at: Date };
  order: { filledQuantity: number; averageFillPrice: Dec; status: OrderStatus; brokerOrderId: string | null };
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

export type Booking = { kind: "already_booked" } | { kind: "booked"; writes: BookingWrites; recorded: RecordedFill };

/** Places of an order's average fill price (NUMERIC(20,6)). */
const AVERAGE_PLACES = 6;

/**
 * Books `fill` on its order: average-cost position, realised P&L, the stop (the order's own, or
 * `defaultStopPct` under a new long's entry), cash, the order's filled quantity, average price and
 * status. The same broker fill twice books once. Throws when the fill overfills its order or
 * would take cash below zero: nothing of it may then be written.
 */
export function bookFill(context: FillContext, fill: FillReport, defaultStopPct: number, brokerOrderId?: string): Booking {
  if (context.alreadyBooked) return { kind: "already_booked" };
  const { order } = context;
  if (order.filledQuantity + fill.quantity > order.quantity) throw new Error(`fill of ${fill.quantity} overfills order ${order.id}`);

  const result = applyFill(context.held, order.ticker, { side: order.side, quantity: fill.quantity, price: fill.price, commission: fill.commission });
  const position = result.position;
  const stop = stopAfterFill(order.side, order.stopPrice, context.held?.stopPrice ?? null, position, defaultStopPct);
  const cashAfter = context.accountCash.plus(result.cashDelta);
  if (cashAfter.lt(0)) throw new Error(`fill would take cash below zero (${cashAfter.toFixed(2)})`);
  const filled = order.filledQuantity + fill.quantity;
  const previousValue = (order.averageFillPrice ?? new Dec(0)).times(order.filledQuantity);
  const averageFill = previousValue.plus(fill.price.times(fill.quantity)).div(filled).toDecimalPlaces(AVERAGE_PLACES);
  const status: OrderStatus = filled === order.quantity ? "filled" : "partially_filled";

  const writes: BookingWrites = {
    orderId: order.id,
    accountId: order.accountId,
    ticker: order.ticker,
    position: { quantity: position.quantity, costBasis: position.costBasis, realizedPnl: position.realizedPnl, stopPrice: stop },
    cashAfter,
    fill: { side: order.side, quantity: fill.quantity, price: fill.price, commission: result.cash.commission, realizedPnl: result.realizedPnl, brokerFillId: fill.brokerFillId, at: fill.at },
    order: { filledQuantity: filled, averageFillPrice: averageFill, status, brokerOrderId: brokerOrderId ?? null },
  };
  const recorded: RecordedFill = {
    orderId: order.id,
    accountId: order.accountId,
    ticker: order.ticker,
    side: order.side,
    quantity: fill.quantity,
    price: fill.price,
    grossAmount: result.cash.gross,
    commission: result.cash.commission,
    netAmount: result.cash.net,
    realizedPnl: result.realizedPnl,
    cashAfter,
    positionAfter: { quantity: position.quantity, costBasis: position.costBasis, stopPrice: stop },
    orderStatus: status,
  };
  return { kind: "booked", writes, recorded };
}
