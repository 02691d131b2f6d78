import { recordBrokerCall } from "../kill-switch/broker-calls.js";
import { brokerOf, type ExecutionDeps } from "./execute-order.js";

/** How long an order may stay unknown before "not at the broker" is believed. */
export const UNKNOWN_ORDER_GRACE_MS = 15 * 60_000;

/**
 * Orders whose broker answer was unclear (a timeout) are looked up, never resent: by their order
 * number when it came back, else among the broker's orders of the same ticker and side placed
 * since just before ours, with the same quantity and not already linked to another desk order.
 * Found: the order is working (the broker-fills job books its fills). Not found after the grace
 * period: it never reached the broker and is marked rejected. Each look-up counts for api_error.
 */
export async function reconcileUnknownOrders(deps: ExecutionDeps): Promise<{ found: number; notPlaced: number; pending: number }> {
  const now = deps.killSwitch.clock.now();
  let found = 0;
  let notPlaced = 0;
  let pending = 0;
  for (const order of await deps.orders.unknownBrokerOrders()) {
    if (order.brokerOrderId) {
      await deps.orders.markSubmission(order.id, { status: "submitted", reason: "reconciled: the broker holds it" });
      found += 1;
      continue;
    }
    const broker = await brokerOf(deps, order.accountId);
    if (!broker.findOrders) {
      pending += 1;
      continue;
    }
    let candidates;
    try {
      candidates = await broker.findOrders({ ticker: order.ticker, side: order.side, from: new Date(order.createdAt.getTime() - 60_000) });
      await recordBrokerCall(deps.killSwitch, order.accountId, true);
    } catch {
      await recordBrokerCall(deps.killSwitch, order.accountId, false);
      pending += 1;
      continue;
    }
    let match: string | undefined;
    for (const c of candidates.filter((x) => x.quantity === order.quantity)) {
      if (!(await deps.orders.isBrokerOrderLinked(c.brokerOrderId))) {
        match = c.brokerOrderId;
        break;
      }
    }
    if (match) {
      await deps.orders.markSubmission(order.id, { status: "submitted", brokerOrderId: match, reason: "reconciled after an unclear answer" });
      found += 1;
    } else if (now.getTime() - order.createdAt.getTime() > UNKNOWN_ORDER_GRACE_MS) {
      await deps.orders.markSubmission(order.id, { status: "rejected", reason: "not found at the broker 15 minutes after an unclear answer" });
      notPlaced += 1;
    } else {
      pending += 1;
    }
  }
  return { found, notPlaced, pending };
}
