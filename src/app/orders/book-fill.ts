import { bookFill } from "../../domain/orders/booking.js";
import { checkTriggers } from "../kill-switch/check-triggers.js";
import type { BrokerFill } from "../ports/broker.js";
import type { FillBookingTransaction, RecordedFill } from "../ports/order-store.js";
import type { ExecutionDeps } from "./execute-order.js";

/**
 * The one booking path: reads the fill's locked context on `tx`, applies the domain's booking
 * rule, writes what it decided on the same transaction. `tx` is the order guard's (a broker that
 * fills inline) or one the order store opens (a fill found later). Undefined when this broker
 * fill was booked already.
 */
export async function bookFillIn(tx: FillBookingTransaction, orderId: string, fill: BrokerFill, defaultStopPct: number, brokerOrderId?: string): Promise<RecordedFill | undefined> {
  const context = await tx.fillContext(orderId, fill.brokerFillId);
  if (!context) throw new Error(`order ${orderId} does not exist`);
  const booking = bookFill(context, fill, defaultStopPct, brokerOrderId);
  if (booking.kind === "already_booked") return undefined;
  await tx.writeBooking(booking.writes);
  return booking.recorded;
}

/** Books `fills` in order with `book`, keeping the ones booked now (a fill booked before is skipped). */
export async function bookEach(fills: readonly BrokerFill[], book: (fill: BrokerFill) => Promise<RecordedFill | undefined>): Promise<RecordedFill[]> {
  const booked: RecordedFill[] = [];
  for (const fill of fills) {
    const recorded = await book(fill);
    if (recorded) booked.push(recorded);
  }
  return booked;
}

/** Books broker fills of an order, each in a transaction of its own, then re-evaluates the kill switch and tells the admins. */
export async function bookFills(deps: ExecutionDeps, orderId: string, fills: readonly BrokerFill[], brokerOrderId?: string): Promise<RecordedFill[]> {
  const booked = await bookEach(fills, (fill) => deps.orders.inTransaction((tx) => bookFillIn(tx, orderId, fill, deps.settings.defaultStopPct, brokerOrderId)));
  await afterFills(deps, booked);
  return booked;
}

/** After fills are booked: re-evaluate the kill switch, then tell the admins. */
export async function afterFills(deps: ExecutionDeps, booked: readonly RecordedFill[]): Promise<void> {
  const accountId = booked[0]?.accountId;
  if (!accountId) return;
  const check = await checkTriggers(deps.killSwitch, accountId, "fill");
  for (const f of booked) {
    await deps.killSwitch.notifier.notify({
      kind: "fill",
      accountId,
      accountName: check.accountName,
      title: `${f.side} ${f.quantity} ${f.ticker} @ ${f.price.toFixed(2)}`,
      lines: [
        `commission $${f.commission.toFixed(2)}`,
        ...(f.side === "SELL" ? [`realised P&L $${f.realizedPnl.toFixed(2)}`] : []),
        `position ${f.positionAfter.quantity}${f.positionAfter.stopPrice ? `, stop ${f.positionAfter.stopPrice.toFixed(2)}` : ""}`,
        `cash $${f.cashAfter.toFixed(2)}`,
      ],
      at: deps.killSwitch.clock.now(),
    });
  }
}
