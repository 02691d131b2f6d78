import { describe, expect, it } from "vitest";
import { approvalExpiryJob } from "../../jobs/approval-expiry.js";
import { InterruptedWorkRepository } from "../../src/adapters/db/repositories/interrupted-work-repository.js";
import { ProposalRepository } from "../../src/adapters/db/repositories/proposal-repository.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { ANSWER_LOST, NOT_PLACED, RECONCILING, recoverInterruptedWork, type RecoveryDeps } from "../../src/app/approvals/recover-interrupted.js";
import { executeOrder } from "../../src/app/orders/execute-order.js";
import { Dec } from "../../src/domain/decimal.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN, price } from "../support/desk.js";

const db = useTestDatabase();
/** The moment the desk comes back: ten minutes after the approvals below. */
const RESTART = new Date(MARKET_OPEN.getTime() + 10 * 60_000);

function recorder() {
  const lines: { level: "info" | "warn"; fields: object; message: string }[] = [];
  return { lines, info: (fields: object, message: string) => lines.push({ level: "info", fields, message }), warn: (fields: object, message: string) => lines.push({ level: "warn", fields, message }) };
}

function deps(notifier = new RecordingNotifier(), log = recorder()): RecoveryDeps & { notifier: RecordingNotifier; log: ReturnType<typeof recorder> } {
  return { store: new InterruptedWorkRepository(db.dataSource), notifier, clock: { now: () => RESTART }, log };
}

let keys = 0;
/** A proposal approved by tg:2 at `at` (a second later than the one before, unless given), as decideProposal leaves it before it places the order. */
async function approved(accountId: string, ticker: string, given?: Date): Promise<string> {
  keys += 1;
  const at = given ?? new Date(MARKET_OPEN.getTime() + keys * 1000);
  const proposals = new ProposalRepository(db.dataSource);
  const { proposal } = await proposals.create({
    accountId, idempotencyKey: `rec-${keys}`, source: "operator", side: "BUY", ticker, quantity: 3, orderType: "market",
    limitPrice: null, stopPrice: null, requestedBy: "tg:1", rationale: "", expiresAt: new Date(at.getTime() + 600_000),
  });
  expect(await proposals.decide(proposal.id, "approved", "tg:2", at, true)).toBeDefined();
  return proposal.id;
}

/** An order row as a process that died after recording it (or after the broker's answer) leaves it. */
async function orderRow(accountId: string, status: string, proposalId: string | null, ticker = "RKS"): Promise<string> {
  keys += 1;
  const [row] = await db.dataSource.query(
    `INSERT INTO orders (account_id, idempotency_key, source, side, ticker, quantity, order_type, requested_by, trading_day, status, proposal_id, created_at)
     VALUES ($1, $2, 'operator', 'BUY', $3, 3, 'market', 'tg:1', '2026-11-24', $4, $5, $6) RETURNING id`,
    [accountId, proposalId ? `proposal-${proposalId}` : `order-${keys}`, ticker, status, proposalId, new Date(MARKET_OPEN.getTime() + keys * 1000)],
  );
  return row.id as string;
}

async function proposalState(id: string): Promise<{ status: string; decision_reason: string | null }> {
  const [row] = await db.dataSource.query(`SELECT status, decision_reason FROM proposals WHERE id = $1`, [id]);
  return row;
}

async function orderState(id: string): Promise<{ status: string; status_reason: string | null }> {
  const [row] = await db.dataSource.query(`SELECT status, status_reason FROM orders WHERE id = $1`, [id]);
  return row;
}

async function recoveryAudit(): Promise<{ action: string; subject: string }[]> {
  return db.dataSource.query(`SELECT action, subject FROM audit_log WHERE actor = 'system:recovery' ORDER BY id`);
}

describe("recoverInterruptedWork", () => {
  it("settles approved proposals from their orders, fails the unplaced ones closed, hands unclear orders to reconciliation; twice changes nothing", async () => {
    const paper = await createAccount(db.dataSource);
    const live = await createAccount(db.dataSource, { live: { phase: "micro" } });
    await price(db.dataSource, "RFL", "40", new Date(MARKET_OPEN.getTime() - 30_000));

    // 1. Approved, and its order filled through the real path; the process died before settling the proposal.
    const filled = await approved(paper, "RFL");
    const outcome = await executeOrder(executionDeps(db.dataSource, { commission: new Dec(0) }), {
      accountId: paper, idempotencyKey: `proposal-${filled}`, source: "operator", side: "BUY", ticker: "RFL", quantity: 3, requestedBy: "tg:1", proposalId: filled,
    });
    expect(outcome.status).toBe("filled");
    // 2. Approved; the process died before the order was recorded.
    const unplaced = await approved(paper, "RNO");
    // 3. Approved on the live account; its order's broker answer was unclear.
    const unclear = await approved(live, "RKS");
    const unclearOrder = await orderRow(live, "unknown", unclear);
    // 4. Approved on paper; the order was recorded but the broker's answer never was (possible before answers shared the order's transaction).
    const answerLost = await approved(paper, "RNW");
    const answerLostOrder = await orderRow(paper, "new", answerLost, "RNW");
    // 5. A live order recorded while the broker was being called, no proposal.
    const sending = await orderRow(live, "new", null);
    // 6. Approved 30 s ago: a decision still in flight, not interrupted.
    const inFlight = await approved(paper, "RFL", new Date(RESTART.getTime() - 30_000));

    const d = deps();
    const report = await recoverInterruptedWork(d);

    expect(report.orders).toEqual([
      { orderId: answerLostOrder, accountId: paper, to: "failed", reason: ANSWER_LOST },
      { orderId: sending, accountId: live, to: "unknown", reason: RECONCILING },
    ]);
    expect(report.proposals).toEqual([
      { proposalId: filled, accountId: paper, to: "executed", reason: "recovered after a restart: its order was filled" },
      { proposalId: unplaced, accountId: paper, to: "failed", reason: NOT_PLACED },
      { proposalId: answerLost, accountId: paper, to: "failed", reason: ANSWER_LOST },
    ]);
    expect(report.waiting).toEqual([{ proposalId: unclear, orderId: unclearOrder, orderStatus: "unknown" }]);

    expect(await proposalState(filled)).toEqual({ status: "executed", decision_reason: "recovered after a restart: its order was filled" });
    expect(await proposalState(unplaced)).toEqual({ status: "failed", decision_reason: "the desk stopped before the order was placed; not retried" });
    expect(await proposalState(unclear)).toEqual({ status: "approved", decision_reason: null });
    expect(await proposalState(answerLost)).toEqual({ status: "failed", decision_reason: ANSWER_LOST });
    expect(await proposalState(inFlight)).toEqual({ status: "approved", decision_reason: null });
    expect(await orderState(answerLostOrder)).toEqual({ status: "failed", status_reason: ANSWER_LOST });
    expect(await orderState(sending)).toEqual({ status: "unknown", status_reason: RECONCILING });
    expect(await orderState(unclearOrder)).toEqual({ status: "unknown", status_reason: null });
    // Nothing was placed: the only order of the unplaced proposal's ticker is none.
    expect(await db.dataSource.query(`SELECT id FROM orders WHERE ticker = 'RNO'`)).toEqual([]);

    expect(await recoveryAudit()).toEqual([
      { action: "order.recovered.failed", subject: answerLostOrder },
      { action: "order.recovered.unknown", subject: sending },
      { action: "proposal.recovered.executed", subject: filled },
      { action: "proposal.recovered.failed", subject: unplaced },
      { action: "proposal.recovered.failed", subject: answerLost },
    ]);
    expect(d.notifier.alerts.map((a) => [a.kind, a.title])).toEqual([
      ["desk_health", "Interrupted order failed: BUY 3 RNW"],
      ["desk_health", "Interrupted order sent to reconciliation: BUY 3 RKS"],
      ["desk_health", "Interrupted approval executed: BUY 3 RFL"],
      ["desk_health", "Interrupted approval failed: BUY 3 RNO"],
      ["desk_health", "Interrupted approval failed: BUY 3 RNW"],
    ]);
    expect(d.log.lines.filter((l) => l.level === "warn")).toHaveLength(5);

    // A second run (the next job, or the next start) changes nothing and tells nobody.
    const again = deps();
    expect(await recoverInterruptedWork(again)).toEqual({ orders: [], proposals: [], waiting: [{ proposalId: unclear, orderId: unclearOrder, orderStatus: "unknown" }] });
    expect(await recoveryAudit()).toHaveLength(5);
    expect(again.notifier.alerts).toEqual([]);

    // Once the order reconciliation finds the unclear order at the broker, the proposal follows it.
    await db.dataSource.query(`UPDATE orders SET status = 'submitted', status_reason = 'reconciled: the broker holds it' WHERE id = $1`, [unclearOrder]);
    expect((await recoverInterruptedWork(deps())).proposals).toEqual([{ proposalId: unclear, accountId: live, to: "executed", reason: "recovered after a restart: its order was submitted" }]);
  });

  it("runs from the approval-expiry job", async () => {
    const paper = await createAccount(db.dataSource);
    const unplaced = await approved(paper, "RJB");
    const notifier = new RecordingNotifier();
    const execution = executionDeps(db.dataSource, { clock: { now: () => RESTART }, notifier });
    const job = approvalExpiryJob({ proposals: new ProposalRepository(db.dataSource), execution, recovery: { store: new InterruptedWorkRepository(db.dataSource), log: recorder() } });
    const result = (await job.process({})) as { recovered: { proposals: { proposalId: string; to: string }[] } };
    expect(result.recovered.proposals).toEqual([{ proposalId: unplaced, accountId: paper, to: "failed", reason: NOT_PLACED }]);
    expect(notifier.alerts.map((a) => a.kind)).toEqual(["desk_health"]);
  });
});
