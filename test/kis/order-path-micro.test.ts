import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountRepository } from "../../src/adapters/db/repositories/account-repository.js";
import { ProposalRepository } from "../../src/adapters/db/repositories/proposal-repository.js";
import { decideProposal } from "../../src/app/approvals/decide-proposal.js";
import { requestOrder, type ApprovalDeps } from "../../src/app/approvals/request-order.js";
import { syncBrokerFills } from "../../src/app/orders/sync-broker-fills.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN, price } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";
import { brokerFor, keyspace, startFake } from "./harness.js";

/** The whole order path on a live account in phase micro: approval -> KIS adapter -> fill -> positions. */
const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let fake: KisFake;

beforeAll(async () => {
  fake = await startFake();
});
afterAll(async () => {
  await fake.close();
});

const ORDER_PATH = "/uapi/overseas-stock/v1/trading/order";

describe("the order path through KIS in phase micro", () => {
  it("applies the micro limits, needs approval, sends one limit order, and books the broker's fill into the position and cash", async () => {
    const accountId = await createAccount(db.dataSource, { name: "Micro", cash: "1000", live: { phase: "micro" } });
    await price(db.dataSource, "NKE", "63.03", new Date(MARKET_OPEN.getTime() - 30_000));
    // A real broker prices a market order from its own quote, not the desk's.
    fake.setQuote("NYS", "NKE", { last: " 63.03", base: "62.50", tvol: "1200" });
    const broker = brokerFor(fake, redis, "paper", keyspace(prefix));
    const execution = executionDeps(db.dataSource, { slippageBps: 0, kisBroker: broker });
    const approvals: ApprovalDeps = {
      execution,
      proposals: new ProposalRepository(db.dataSource),
      policy: { shadowRequiresApproval: false, fourEyes: true },
      expiryMinutes: 10,
      accountMode: async (id) => (await new AccountRepository(db.dataSource).phaseOf(id))?.mode,
    };
    const order = (quantity: number, key: string) =>
      requestOrder(approvals, { accountId, idempotencyKey: key, source: "operator", side: "BUY", ticker: "NKE", quantity, requestedBy: "tg:1" });

    // Micro allows one share per order: refused before anything reaches the broker.
    const two = await order(2, "two");
    expect(two.status === "refused" && two.refusals.map((r) => r.code)).toEqual(["phase_order_quantity", "phase_capital"]);
    // A live account always waits for a trader, and the requester may not approve it (four eyes).
    const pending = await order(1, "one");
    if (pending.status !== "pending_approval") throw new Error(`expected a proposal, got ${pending.status}`);
    expect(fake.count(ORDER_PATH)).toBe(0);
    expect(await decideProposal(approvals, { proposalId: pending.proposal.id, decision: "approve", actor: "tg:1", role: "trader" })).toMatchObject({ status: "refused", refusal: { code: "own_proposal" } });
    const approved = await decideProposal(approvals, { proposalId: pending.proposal.id, decision: "approve", actor: "tg:2", role: "trader" });
    expect(approved).toMatchObject({ status: "approved", order: { status: "resting" } });

    // One order POST: a marketable limit 1% through the last price, paper's buy tr_id, string body.
    const posts = fake.requests.filter((r) => r.path === ORDER_PATH);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.headers.tr_id).toBe("VTTT1002U");
    expect(posts[0]!.body).toMatchObject({ PDNO: "NKE", OVRS_EXCG_CD: "NYSE", ORD_QTY: "1", OVRS_ORD_UNPR: "63.66", ORD_DVSN: "00" });

    // The fill arrives through the fills query and is booked once.
    expect(await syncBrokerFills(execution)).toEqual({ orders: 1, booked: 1, failed: 0 });
    expect(await syncBrokerFills(execution)).toEqual({ orders: 0, booked: 0, failed: 0 });
    const [position] = await db.dataSource.query<{ quantity: number; cost_basis: string }[]>(`SELECT quantity, cost_basis::text FROM positions WHERE account_id = $1`, [accountId]);
    expect(position).toEqual({ quantity: 1, cost_basis: "63.6600" });
    const [account] = await db.dataSource.query<{ cash: string }[]>(`SELECT cash::text FROM accounts WHERE id = $1`, [accountId]);
    expect(account!.cash).toBe("936.34");
    const [stored] = await db.dataSource.query<{ status: string; broker_order_id: string }[]>(`SELECT status, broker_order_id FROM orders WHERE account_id = $1`, [accountId]);
    expect(stored!.status).toBe("filled");
    expect(stored!.broker_order_id).toMatch(/^\d{10}$/);
  });
});
