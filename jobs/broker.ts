import { z } from "zod";
import { reconcilePositions, type ReconcileResult } from "../src/app/broker/reconcile-positions.js";
import { brokerOf, type ExecutionDeps } from "../src/app/orders/execute-order.js";
import { syncBrokerFills } from "../src/app/orders/sync-broker-fills.js";
import { reconcileUnknownOrders } from "../src/app/orders/reconcile-unknown-orders.js";
import { type CommissionLedger, confirmCommissions } from "../src/app/orders/confirm-commissions.js";
import type { DeskReader } from "../src/app/ports/desk-reader.js";
import type { JobDefinition } from "./registry.js";

const payload = z.object({}).strict();

/** `order-reconcile` (every minute): orders whose broker answer was unclear are looked up, never resent. */
export function orderReconcileJob(deps: ExecutionDeps): JobDefinition<z.infer<typeof payload>, "order-reconcile"> {
  return { name: "order-reconcile", payload, schedule: { every: 60_000 }, process: () => reconcileUnknownOrders(deps) };
}

/** `broker-fills` (every 30 s): books what real brokers have filled of the orders working there. */
export function brokerFillsJob(deps: ExecutionDeps): JobDefinition<z.infer<typeof payload>, "broker-fills"> {
  return { name: "broker-fills", payload, schedule: { every: 30_000 }, process: () => syncBrokerFills(deps) };
}

/**
 * `commission-confirm` (every 10 minutes): real-broker fills booked with the desk's commission
 * estimate get the broker's statement figure, cash and cost basis (or realised P&L) moving by the
 * difference. Nothing is asked of the broker while no fill waits.
 */
export function commissionConfirmJob(deps: { execution: ExecutionDeps; ledger: CommissionLedger }): JobDefinition<z.infer<typeof payload>, "commission-confirm"> {
  return {
    name: "commission-confirm",
    payload,
    schedule: { every: 10 * 60_000 },
    async process() {
      const report = await confirmCommissions(deps);
      return { confirmed: report.confirmed.length, waiting: report.waiting.length, failed: report.failed, noStatement: report.noStatement };
    },
  };
}

/**
 * `broker-reconcile` (every 5 minutes): each real-broker account's positions against the desk's;
 * a difference halts the account until an admin has looked (and resumed it).
 */
export function brokerReconcileJob(deps: { execution: ExecutionDeps; reader: Pick<DeskReader, "accounts" | "positions"> }): JobDefinition<z.infer<typeof payload>, "broker-reconcile"> {
  return {
    name: "broker-reconcile",
    payload,
    schedule: { every: 5 * 60_000 },
    async process() {
      const results: Record<string, ReconcileResult["outcome"]> = {};
      for (const account of await deps.reader.accounts()) {
        if (account.broker === "paper") continue;
        const broker = await brokerOf(deps.execution, account.id);
        results[account.name] = (await reconcilePositions({ broker, desk: deps.reader, killSwitch: deps.execution.killSwitch }, account.id)).outcome;
      }
      return results;
    },
  };
}
