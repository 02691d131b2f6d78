import { describe, expect, it } from "vitest";
import { OrderRepository } from "../../src/adapters/db/repositories/order-repository.js";
import { ProposalRepository } from "../../src/adapters/db/repositories/proposal-repository.js";
import { executeOrder, type ExecutionDeps } from "../../src/app/orders/execute-order.js";
import type { OrderStore } from "../../src/app/ports/order-store.js";
import { Dec } from "../../src/domain/decimal.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN, price } from "../support/desk.js";

const db = useTestDatabase();

/**
 * The order store of a process whose connection dies right after the order's transaction
 * committed: every write it would make afterwards fails. What the order path left behind is then
 * what a crash at that moment leaves.
 */
function dyingAfterCommit(store: OrderStore): OrderStore {
  const dead = () => Promise.reject(new Error("Connection terminated unexpectedly"));
  return Object.assign(Object.create(store) as OrderStore, { markSubmission: dead, inTransaction: dead });
}

async function orderRow(accountId: string): Promise<{ status: string; status_reason: string | null; broker_order_id: string | null }[]> {
  return db.dataSource.query(`SELECT status, status_reason, broker_order_id FROM orders WHERE account_id = $1 ORDER BY created_at`, [accountId]);
}

describe("one transaction per order on the paper broker", () => {
  it("commits a resting or rejected paper order together with the broker's answer: no order is left without one", async () => {
    const account = await createAccount(db.dataSource, { cash: "500.50" });
    await price(db.dataSource, "ATM", "100", new Date(MARKET_OPEN.getTime() - 30_000));
    // The pre-trade estimate counts no slippage or commission here; the paper broker does (5 bps, $1).
    const base = executionDeps(db.dataSource, { thresholds: { concentrationPct: 100 } });
    const deps: ExecutionDeps = { ...base, settings: { ...base.settings, slippageBps: 0, commissionPerOrder: new Dec(0) }, orders: dyingAfterCommit(new OrderRepository(db.dataSource)) };

    const resting = await executeOrder(deps, { accountId: account, idempotencyKey: "rest", source: "operator", side: "BUY", ticker: "ATM", quantity: 1, limitPrice: "95", requestedBy: "tg:1" });
    expect(resting).toMatchObject({ status: "resting" });
    // 5 x 100.05 + $1 = 501.25, more than the cash: the paper broker refuses.
    const rejected = await executeOrder(deps, { accountId: account, idempotencyKey: "reject", source: "operator", side: "BUY", ticker: "ATM", quantity: 5, requestedBy: "tg:1" });
    expect(rejected).toMatchObject({ status: "rejected", reason: "cash $500.50 cannot cover $501.25" });

    expect(await orderRow(account)).toEqual([
      { status: "submitted", status_reason: null, broker_order_id: `paper-${resting.status === "resting" ? resting.orderId : "?"}` },
      { status: "rejected", status_reason: "cash $500.50 cannot cover $501.25", broker_order_id: null },
    ]);
  });

  it("records an order for a proposal only while the proposal is still approved", async () => {
    const account = await createAccount(db.dataSource);
    await price(db.dataSource, "ATP", "50", new Date(MARKET_OPEN.getTime() - 30_000));
    const proposals = new ProposalRepository(db.dataSource);
    const { proposal } = await proposals.create({
      accountId: account, idempotencyKey: "p-1", source: "operator", side: "BUY", ticker: "ATP", quantity: 2, orderType: "market",
      limitPrice: null, stopPrice: null, requestedBy: "tg:1", rationale: "", expiresAt: new Date(MARKET_OPEN.getTime() + 600_000),
    });
    // Crash recovery settled it (failed: never placed) before the order path got to it.
    await db.dataSource.query(`UPDATE proposals SET status = 'failed', decision_reason = 'not retried' WHERE id = $1`, [proposal.id]);
    const request = { accountId: account, idempotencyKey: `proposal-${proposal.id}`, source: "operator" as const, side: "BUY", ticker: "ATP", quantity: 2, requestedBy: "tg:1", proposalId: proposal.id };
    await expect(executeOrder(executionDeps(db.dataSource), request)).rejects.toThrow(`proposal ${proposal.id} is failed, not approved: its order is not placed`);
    expect(await orderRow(account)).toEqual([]);
    const [{ cash }] = await db.dataSource.query(`SELECT cash::text FROM accounts WHERE id = $1`, [account]);
    expect(cash).toBe("100000.00");

    await db.dataSource.query(`UPDATE proposals SET status = 'approved' WHERE id = $1`, [proposal.id]);
    expect(await executeOrder(executionDeps(db.dataSource, { commission: new Dec(0) }), request)).toMatchObject({ status: "filled" });
  });
});
