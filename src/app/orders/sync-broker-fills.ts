import { Dec } from "../../domain/decimal.js";
import { recordBrokerCall } from "../kill-switch/broker-calls.js";
import type { BrokerFill } from "../ports/broker.js";
import { bookFills } from "./book-fill.js";
import { brokerOf, type ExecutionDeps } from "./execute-order.js";

/**
 * Books what a real broker has filled of the orders working there. A broker may report a running
 * total per order (KIS does): only the part not booked yet is booked, at the price that makes
 * the booked average equal the broker's. Fill ids carry the running total, so asking twice books
 * once. Each broker call counts for api_error.
 */
export async function syncBrokerFills(deps: ExecutionDeps): Promise<{ orders: number; booked: number; failed: number }> {
  let booked = 0;
  let failed = 0;
  const working = await deps.orders.workingBrokerOrders();
  for (const order of working) {
    let reported: BrokerFill[];
    try {
      reported = await (await brokerOf(deps, order.accountId)).fills(order.brokerOrderId!);
      await recordBrokerCall(deps.killSwitch, order.accountId, true);
    } catch {
      failed += 1;
      await recordBrokerCall(deps.killSwitch, order.accountId, false);
      continue;
    }
    const total = reported.reduce((n, f) => n + f.quantity, 0);
    const delta = total - order.filledQuantity;
    if (delta <= 0) continue;
    const totalValue = reported.reduce((sum, f) => sum.plus(f.price.times(f.quantity)), new Dec(0));
    const bookedValue = order.averageFillPrice ? order.averageFillPrice.times(order.filledQuantity) : new Dec(0);
    const last = reported.at(-1)!;
    const fill: BrokerFill = {
      quantity: delta,
      price: totalValue.minus(bookedValue).div(delta).toDecimalPlaces(6),
      // KIS's fills query carries no commission; the statement's fees are reconciled apart.
      commission: new Dec(0),
      brokerFillId: `${order.brokerOrderId!}-${total}`,
      at: last.at,
    };
    booked += (await bookFills(deps, order.id, [fill], order.brokerOrderId!)).length;
  }
  return { orders: working.length, booked, failed };
}
