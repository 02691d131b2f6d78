import { beforeAll, describe, expect, it } from "vitest";
import { DeskReaderRepository } from "../../src/adapters/db/repositories/desk-reader-repository.js";
import { MirrorRepository } from "../../src/adapters/db/repositories/mirror-repository.js";
import { trackingGateFor } from "../../src/app/accounts/tracking-gate.js";
import { MIRROR_OUTCOMES, pairResult, pairsOf } from "../../src/domain/tracking.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";

const db = useTestDatabase();
let mirrors: MirrorRepository;
let shadow: string;
let live: string;

/** An order (through a proposal or on its own) with one fill. */
async function filledOrder(accountId: string, key: string, side: "BUY" | "SELL", quantity: number, price: string, options: { proposal?: boolean; pnl?: string } = {}) {
  let proposalId: string | null = null;
  if (options.proposal) {
    const [p] = await db.dataSource.query(
      `INSERT INTO proposals (account_id, idempotency_key, source, side, ticker, quantity, order_type, requested_by, expires_at, status)
       VALUES ($1, $2, 'warroom', $3, 'NVDA', $4, 'market', 'tg:1', now() + interval '1 hour', 'executed') RETURNING id`,
      [accountId, key, side, quantity],
    );
    proposalId = p.id;
  }
  const [o] = await db.dataSource.query(
    `INSERT INTO orders (account_id, proposal_id, idempotency_key, source, side, ticker, quantity, order_type, status, filled_quantity, requested_by, trading_day)
     VALUES ($1, $2, $3, 'warroom', $4, 'NVDA', $5, 'market', 'filled', $5, 'tg:1', '2026-11-24') RETURNING id`,
    [accountId, proposalId, key, side, quantity],
  );
  await db.dataSource.query(
    `INSERT INTO fills (order_id, account_id, ticker, side, quantity, price, commission, realized_pnl, broker_fill_id, filled_at) VALUES ($1, $2, 'NVDA', $3, $4, $5, 1, $6, 'f1', now())`,
    [o.id, accountId, side, quantity, price, options.pnl ?? null],
  );
  return { proposalId, orderId: o.id as string };
}

beforeAll(async () => {
  mirrors = new MirrorRepository(db.dataSource);
  shadow = await createAccount(db.dataSource, { name: "shadow" });
  live = await createAccount(db.dataSource, { name: "live", cash: "500", live: { phase: "micro" } });
  await db.dataSource.query(`UPDATE accounts SET opened_from = $1, phase_started_at = now() - interval '1 day' WHERE id = $2`, [shadow, live]);
});

describe("MirrorRepository", () => {
  it("keeps the legs' outcomes identical to the domain's", async () => {
    const [row] = await db.dataSource.query<{ def: string }[]>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'mirror_legs'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%outcome%'`,
    );
    expect([...row!.def.matchAll(/'([^']+)'::text/g)].map((m) => m[1]).sort()).toEqual([...MIRROR_OUTCOMES].sort());
  });

  it("records a War Room session's decision once, and each account's leg once", async () => {
    const [session] = await db.dataSource.query(`INSERT INTO warroom_sessions (ticker, requested_by, decision, confidence, duration_ms) VALUES ('NVDA', 'tg:1', 'BUY', 0.7, 5) RETURNING id`);
    const decision = { idempotencyKey: `warroom-${session.id}`, source: "warroom" as const, warroomSessionId: session.id as string, ticker: "NVDA", side: "BUY" as const, requestedBy: "tg:1", at: new Date() };
    const first = await mirrors.recordDecision(decision);
    expect(first.created).toBe(true);
    expect(await mirrors.recordDecision(decision)).toEqual({ id: first.id, created: false });

    const leg = { accountId: live, quantity: null, outcome: "not_sized" as const, reason: "micro allows $100 of exposure; one NVDA is $181.20", proposalId: null, orderId: null };
    expect(await mirrors.recordLeg(first.id, leg)).toBe(true);
    expect(await mirrors.recordLeg(first.id, { ...leg, outcome: "refused", reason: "other" })).toBe(false);
    expect(await mirrors.legs(first.id)).toEqual([leg]);
  });

  it("records an operator's decision once by its key, even when every leg was refused", async () => {
    const decision = { idempotencyKey: "tg-1-77", source: "operator" as const, warroomSessionId: null, ticker: "NVDA", side: "BUY" as const, requestedBy: "tg:1", at: new Date() };
    const first = await mirrors.recordDecision(decision);
    await mirrors.recordLeg(first.id, { accountId: shadow, quantity: 2, outcome: "refused", reason: "trading is halted", proposalId: null, orderId: null });
    expect(await mirrors.recordDecision(decision)).toEqual({ id: first.id, created: false });
    expect((await mirrors.recordDecision({ ...decision, idempotencyKey: "tg-1-78" })).created).toBe(true);
    const [count] = await db.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM mirrored_decisions WHERE idempotency_key LIKE 'tg-1-%'`);
    expect(count!.n).toBe(2);
  });

  it("reads both sides through proposals and orders to their fills, and the gate measures them", async () => {
    const since = new Date(Date.now() - 60_000);
    for (let i = 0; i < 3; i += 1) {
      const d = await mirrors.recordDecision({ idempotencyKey: `gate-${i}`, source: "operator", warroomSessionId: null, ticker: "NVDA", side: "BUY", requestedBy: "tg:1", at: new Date() });
      const s = await filledOrder(shadow, `gate-${i}-s`, "BUY", 10, "100", { proposal: true });
      const l = await filledOrder(live, `gate-${i}-l`, "BUY", 1, "100.05", { proposal: true });
      await mirrors.recordLeg(d.id, { accountId: shadow, quantity: 10, outcome: "proposed", reason: "", proposalId: s.proposalId, orderId: null });
      await mirrors.recordLeg(d.id, { accountId: live, quantity: 1, outcome: "proposed", reason: "", proposalId: l.proposalId, orderId: null });
    }
    const decisions = await mirrors.decisions({ since, liveAccountId: live });
    // The not-sized War Room decision has a live side too; the operator decision with only a shadow side is left out.
    expect(decisions).toHaveLength(4);
    const pairs = pairsOf(decisions, live);
    const last = pairs.at(-1)!;
    expect(last.shadow).toMatchObject({ accountName: "shadow", proposalStatus: "executed", orderStatus: "filled", fills: { quantity: 10 } });
    expect(last.live.fills.value.toString()).toBe("100.05");
    expect(pairResult(last)).toEqual({ kind: "both", slippageBps: expect.anything() });
    expect(pairs.map((p) => pairResult(p).kind)).toEqual(["neither", "both", "both", "both"]);

    const deps = { reader: new DeskReaderRepository(db.dataSource), mirrors };
    const passing = await trackingGateFor(deps, live, { maxBps: 5, minPairs: 3 });
    expect(passing.passed).toBe(true);
    expect(passing.checks.map((c) => c.value)).toEqual(["3", "5.00 bps"]);
    expect((await trackingGateFor(deps, live, { maxBps: 4, minPairs: 3 })).passed).toBe(false);
    expect((await trackingGateFor(deps, live, { maxBps: 5, minPairs: 4 })).passed).toBe(false);
    // The shadow account is not live: no verdict but a failing one.
    expect((await trackingGateFor(deps, shadow, { maxBps: 5, minPairs: 0 })).passed).toBe(false);
  });
});
