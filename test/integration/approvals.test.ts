import { describe, expect, it } from "vitest";
import { AccountRepository } from "../../src/adapters/db/repositories/account-repository.js";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { ProposalRepository } from "../../src/adapters/db/repositories/proposal-repository.js";
import { decideProposal } from "../../src/app/approvals/decide-proposal.js";
import { expireProposals } from "../../src/app/approvals/expire-proposals.js";
import { requestOrder, type ApprovalDeps } from "../../src/app/approvals/request-order.js";
import { haltTrading } from "../../src/app/kill-switch/halt-trading.js";
import { Dec } from "../../src/domain/decimal.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, flatBar } from "../support/desk.js";

const db = useTestDatabase();
const START = new Date("2026-11-24T16:00:00Z");
const clock = { at: START, now() { return this.at; } };

function deps(fourEyes = true): ApprovalDeps {
  return {
    proposals: new ProposalRepository(db.dataSource),
    policy: { shadowRequiresApproval: true, fourEyes },
    expiryMinutes: 10,
    accountMode: async (id) => (await new AccountRepository(db.dataSource).phaseOf(id))?.mode,
    execution: executionDeps(db.dataSource, { clock, slippageBps: 0, commission: new Dec(0) }),
  };
}

let n = 0;
async function propose(d: ApprovalDeps, account: string, requestedBy = "tg:10") {
  n += 1;
  clock.at = START;
  await new PriceRepository(db.dataSource).upsert([flatBar("APV", "50", new Date(START.getTime() - 10_000), "t")], "update");
  const outcome = await requestOrder(d, { accountId: account, idempotencyKey: `req-${n}`, source: "operator", side: "BUY", ticker: "APV", quantity: 10, requestedBy });
  if (outcome.status !== "pending_approval") throw new Error(`expected a proposal, got ${JSON.stringify(outcome)}`);
  return outcome.proposal;
}

async function orders(account: string): Promise<number> {
  const [row] = await db.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM orders WHERE account_id = $1`, [account]);
  return row!.n;
}

describe("approvals", () => {
  it("turns an operator order into a proposal, and an approval by another trader fills it", async () => {
    const d = deps();
    const account = await createAccount(db.dataSource);
    const proposal = await propose(d, account);
    expect(proposal).toMatchObject({ status: "pending", ticker: "APV", quantity: 10, requestedBy: "tg:10" });
    expect(await orders(account)).toBe(0);

    const approved = await decideProposal(d, { proposalId: proposal.id, decision: "approve", actor: "tg:11", role: "trader" });
    expect(approved.status).toBe("approved");
    expect(approved.status === "approved" && approved.order.status).toBe("filled");
    expect((await d.proposals.get(proposal.id))?.status).toBe("executed");

    const again = await decideProposal(d, { proposalId: proposal.id, decision: "approve", actor: "tg:12", role: "trader" });
    expect(again).toMatchObject({ status: "refused", refusal: { code: "already_decided", message: "already executed by tg:11" } });
    expect(await orders(account)).toBe(1);
  });

  it("runs exactly one execution for 50 concurrent presses", async () => {
    const d = deps();
    const account = await createAccount(db.dataSource);
    const proposal = await propose(d, account);
    const presses = await Promise.all(Array.from({ length: 50 }, (_, i) => decideProposal(d, { proposalId: proposal.id, decision: "approve", actor: `tg:${100 + i}`, role: "trader" })));
    expect(presses.filter((p) => p.status === "approved")).toHaveLength(1);
    expect(presses.filter((p) => p.status === "refused")).toHaveLength(49);
    expect(await orders(account)).toBe(1);
  });

  it("refuses a press after expiry, after a deny, by the requester under four eyes, and by a viewer", async () => {
    const d = deps();
    const account = await createAccount(db.dataSource);
    const own = await propose(d, account, "tg:20");
    expect(await decideProposal(d, { proposalId: own.id, decision: "approve", actor: "tg:20", role: "trader" })).toMatchObject({ status: "refused", refusal: { code: "own_proposal" } });
    expect(await decideProposal(d, { proposalId: own.id, decision: "approve", actor: "tg:21", role: "viewer" })).toMatchObject({ status: "refused", refusal: { code: "not_a_trader" } });
    expect(await decideProposal(d, { proposalId: own.id, decision: "deny", actor: "tg:21", role: "trader" })).toMatchObject({ status: "denied" });
    expect(await decideProposal(d, { proposalId: own.id, decision: "approve", actor: "tg:22", role: "admin" })).toMatchObject({ status: "refused", refusal: { message: "already denied by tg:21" } });

    const late = await propose(d, account);
    clock.at = new Date(START.getTime() + 10 * 60_000);
    expect(await decideProposal(d, { proposalId: late.id, decision: "approve", actor: "tg:23", role: "trader" })).toMatchObject({ status: "refused", refusal: { code: "expired" } });
    expect((await expireProposals(d)).map((p) => p.id)).toContain(late.id);
    expect((await d.proposals.get(late.id))?.status).toBe("expired");
    expect(await orders(account)).toBe(0);
  });

  it("cancels pending proposals when trading halts, and refuses to make new ones while halted", async () => {
    const d = deps(false);
    const account = await createAccount(db.dataSource);
    const pending = await propose(d, account);
    await haltTrading(d.execution.killSwitch, { accountId: account, reason: "review", actor: "tg:1" });
    expect(await decideProposal(d, { proposalId: pending.id, decision: "approve", actor: "tg:10", role: "trader" })).toMatchObject({ status: "refused", refusal: { message: "already cancelled by system" } });
    const refused = await requestOrder(d, { accountId: account, idempotencyKey: "while-halted", source: "operator", side: "BUY", ticker: "APV", quantity: 1, requestedBy: "tg:10" });
    expect(refused).toMatchObject({ status: "refused", refusals: [{ code: "kill_switch_halted" }] });
  });

  it("keeps a rationale from outside (an LLM's words) cleaned of NUL and control characters and cut to 2,000 characters", async () => {
    const d = deps();
    const account = await createAccount(db.dataSource);
    await new PriceRepository(db.dataSource).upsert([flatBar("APV", "50", new Date(START.getTime() - 10_000), "t")], "update");
    clock.at = START;
    const outcome = await requestOrder(d, {
      accountId: account, idempotencyKey: "rationale", source: "warroom", side: "BUY", ticker: "APV", quantity: 1, requestedBy: "system:warroom",
      rationale: `trend up\u0000\u001b[31m\nnews: ${"é".repeat(3000)}`,
    });
    if (outcome.status !== "pending_approval") throw new Error(`expected a proposal, got ${outcome.status}`);
    const rationale = outcome.proposal.rationale;
    expect(rationale).toMatch(/^trend up ?\[31m\nnews: éé/);
    expect([...rationale].filter((c) => c.charCodeAt(0) < 0x20 && c !== "\n")).toEqual([]);
    expect([...rationale].length).toBeLessThanOrEqual(2000);
  });
});
