import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KIS_PATHS } from "../../src/adapters/broker/kis/environments.js";
import { AccountRepository } from "../../src/adapters/db/repositories/account-repository.js";
import { InterruptedWorkRepository } from "../../src/adapters/db/repositories/interrupted-work-repository.js";
import { ProposalRepository } from "../../src/adapters/db/repositories/proposal-repository.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { decideProposal } from "../../src/app/approvals/decide-proposal.js";
import { recoverInterruptedWork } from "../../src/app/approvals/recover-interrupted.js";
import { requestOrder, type ApprovalDeps } from "../../src/app/approvals/request-order.js";
import { executeOrder, type ExecutionDeps } from "../../src/app/orders/execute-order.js";
import { reconcileUnknownOrders, UNKNOWN_ORDER_GRACE_MS } from "../../src/app/orders/reconcile-unknown-orders.js";
import { syncBrokerFills } from "../../src/app/orders/sync-broker-fills.js";
import type { OrderStore } from "../../src/app/ports/order-store.js";
import { Dec } from "../../src/domain/decimal.js";
import type { OrderRequest } from "../../src/domain/orders/order-request.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN, price } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";
import { brokerFor, keyspace, startFake } from "./harness.js";

/**
 * No path POSTs a live order twice. The order POST is sent in one place only (executeOrder, once
 * per recorded order, never retried by KisHttp); what follows an unclear answer, a second press, a
 * restart (crash recovery) and every periodic job only asks KIS (inquire-ccnl) what became of it.
 */
const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
const ks = keyspace(prefix);
const ORDER = KIS_PATHS.order;
let fake: KisFake;
let live: string;

beforeAll(async () => {
  fake = await startFake();
  live = await createAccount(db.dataSource, { name: "live", cash: "1000", live: { phase: "small" } });
  const at = new Date(MARKET_OPEN.getTime() - 30_000);
  for (const [ticker, close] of [["NKE", "63.03"], ["ABC", "10.00"], ["XYZ", "20.00"], ["QRS", "5.00"]] as const) await price(db.dataSource, ticker, close, at);
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.unhang(ORDER);
});

/** A desk process: its own KisBroker (nothing in memory carried over) on the shared token cache. */
function desk(o: { timeoutMs?: number; now?: Date } = {}): ExecutionDeps {
  const deps = executionDeps(db.dataSource, { slippageBps: 0, commission: new Dec(0), kisBroker: brokerFor(fake, redis, "real", ks, { timeoutMs: o.timeoutMs ?? 2000 }) });
  return o.now ? { ...deps, killSwitch: { ...deps.killSwitch, clock: { now: () => o.now! } } } : deps;
}

function request(key: string, ticker: string, quantity: number, limitPrice: string): OrderRequest {
  return { accountId: live, idempotencyKey: key, source: "operator", side: "BUY", ticker, quantity, limitPrice, requestedBy: "tg:1" };
}

/** Every job that follows up on live orders, three times over: none of them may POST. */
async function everyJobThrice(deps: ExecutionDeps): Promise<void> {
  const recovery = { store: new InterruptedWorkRepository(db.dataSource), notifier: new RecordingNotifier(), clock: { now: () => new Date(Date.now() + 3 * 60_000) }, log: { info: () => undefined, warn: () => undefined } };
  for (let i = 0; i < 3; i++) {
    await recoverInterruptedWork(recovery);
    await reconcileUnknownOrders(deps);
    await syncBrokerFills(deps);
  }
}

async function orderRow(key: string) {
  const [row] = await db.dataSource.query<{ status: string; broker_order_id: string | null; filled_quantity: number }[]>(
    `SELECT status, broker_order_id, filled_quantity FROM orders WHERE account_id = $1 AND idempotency_key = $2`,
    [live, key],
  );
  return row!;
}

describe("a live order is POSTed once, whatever happens after", () => {
  it("a POST that times out is found through inquire-ccnl, also by a restarted process and repeated runs, and never sent again", async () => {
    fake.hang(ORDER); // KIS places it; its answer never arrives
    const first = await executeOrder(desk({ timeoutMs: 500 }), request("timeout", "NKE", 1, "63.10"));
    expect(first.status).toBe("unknown");
    fake.unhang(ORDER);
    // The same request again (a retried command): the recorded order answers, nothing is sent.
    expect(await executeOrder(desk(), request("timeout", "NKE", 1, "63.10"))).toMatchObject({ status: "duplicate" });

    // A restarted desk: a new broker and deps; recovery, reconciliation and fills run and run again.
    const restarted = desk();
    await everyJobThrice(restarted);
    expect(await orderRow("timeout")).toMatchObject({ status: "filled", broker_order_id: fake.orders.find((o) => o.ticker === "NKE")!.odno, filled_quantity: 1 });
    expect(fake.count(ORDER)).toBe(1);
    expect(fake.count(KIS_PATHS.ccnl)).toBeGreaterThan(0); // it was looked up, not resent
    expect(fake.orders.filter((o) => o.ticker === "NKE")).toHaveLength(1);
  });

  it("a crash after the POST and before its answer was recorded: recovery hands it to reconciliation, which finds it; no second POST", async () => {
    const deps = desk();
    // The process dies right after KIS accepted the order: the answer is never recorded, the order stays `new`.
    const orders: OrderStore = Object.assign(Object.create(deps.orders) as OrderStore, { markSubmission: () => Promise.reject(new Error("the process died")) });
    await expect(executeOrder({ ...deps, orders }, request("crash", "ABC", 2, "10.00"))).rejects.toThrow("the process died");
    expect(await orderRow("crash")).toMatchObject({ status: "new", broker_order_id: null });

    await everyJobThrice(desk());
    expect(await orderRow("crash")).toMatchObject({ status: "filled", filled_quantity: 2 });
    expect(fake.count(ORDER)).toBe(1);
    expect(fake.orders.filter((o) => o.ticker === "ABC")).toHaveLength(1);
    const [position] = await db.dataSource.query<{ quantity: number }[]>(`SELECT quantity FROM positions WHERE account_id = $1 AND ticker = 'ABC'`, [live]);
    expect(position!.quantity).toBe(2);
  });

  it("a POST that never reached KIS stays unplaced: pending within the grace period, rejected after it, never resent", async () => {
    fake.fail(ORDER, { http: 500 }); // no rt_cd: unclear, and the fake placed nothing
    expect((await executeOrder(desk(), request("lost", "XYZ", 1, "20.00"))).status).toBe("unknown");
    const now = desk({ now: new Date() });
    expect(await reconcileUnknownOrders(now)).toMatchObject({ notPlaced: 0, pending: 1 });
    const later = desk({ now: new Date(Date.now() + UNKNOWN_ORDER_GRACE_MS + 60_000) });
    expect(await reconcileUnknownOrders(later)).toMatchObject({ found: 0, notPlaced: 1 });
    await everyJobThrice(later);
    expect(await orderRow("lost")).toMatchObject({ status: "rejected", broker_order_id: null });
    expect(fake.count(ORDER)).toBe(1);
    expect(fake.orders.filter((o) => o.ticker === "XYZ")).toHaveLength(0);
  });

  it("a second press on an approved live proposal whose POST timed out sends nothing", async () => {
    const execution = desk({ timeoutMs: 500 });
    const approvals: ApprovalDeps = {
      execution,
      proposals: new ProposalRepository(db.dataSource),
      policy: { shadowRequiresApproval: false, fourEyes: true },
      expiryMinutes: 10,
      accountMode: async (id) => (await new AccountRepository(db.dataSource).phaseOf(id))?.mode,
    };
    const pending = await requestOrder(approvals, request("proposal", "QRS", 1, "5.00"));
    if (pending.status !== "pending_approval") throw new Error(`expected a proposal, got ${pending.status}`);
    fake.hang(ORDER);
    const approved = await decideProposal(approvals, { proposalId: pending.proposal.id, decision: "approve", actor: "tg:2", role: "trader" });
    expect(approved).toMatchObject({ status: "approved", order: { status: "unknown" } });
    fake.unhang(ORDER);
    for (const actor of ["tg:2", "tg:3"]) {
      expect(await decideProposal(approvals, { proposalId: pending.proposal.id, decision: "approve", actor, role: "trader" })).toMatchObject({ status: "refused" });
    }
    await everyJobThrice(desk());
    expect(fake.count(ORDER)).toBe(1);
    expect(fake.orders.filter((o) => o.ticker === "QRS")).toHaveLength(1);
    const [order] = await db.dataSource.query<{ status: string }[]>(`SELECT status FROM orders WHERE proposal_id = $1`, [pending.proposal.id]);
    expect(order!.status).toBe("filled");
  });
});

describe("the order path's only POST", () => {
  it("is sent by executeOrder alone: no other module calls submit", async () => {
    const { readdir, readFile } = await import("node:fs/promises");
    const callers: string[] = [];
    for (const file of await readdir("src", { recursive: true })) {
      if (!file.endsWith(".ts") || file.startsWith("adapters/broker")) continue;
      if (/\.submit\(/.test(await readFile(`src/${file}`, "utf8"))) callers.push(file);
    }
    expect(callers).toEqual(["app/orders/execute-order.ts"]);
  });
});
