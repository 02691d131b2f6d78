import { randomBytes } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AccountRepository } from "../../src/adapters/db/repositories/account-repository.js";
import { LivePrepRepository } from "../../src/adapters/db/repositories/live-prep-repository.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { hashOverrideCode, OverrideCodeVerifier } from "../../src/adapters/security/override-code.js";
import { promoteAccount, type GateVerdict, type PhaseDeps } from "../../src/app/accounts/change-phase.js";
import { decidePromotion } from "../../src/app/accounts/promotion-decision.js";
import type { Operator } from "../../src/app/ports/operator-directory.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { testDesk } from "../support/desk.js";
import { TelegramRecorder } from "../support/telegram-recorder.js";
import { buildGoingLiveDeps } from "../../src/main/going-live.js";
import { createPushApi } from "../../src/adapters/telegram/transport.js";

/** Promotions toward real money: the checklist before the code, four eyes, first decision wins, expiry, re-check, open vs link. */
const db = useTestDatabase();
const CODE = randomBytes(12).toString("base64url");
const START = new Date("2026-11-24T14:00:00Z");
const HOUR = 3_600_000;
/** When the tests' promotions are asked for: after the checklist's evidence. */
const NOW = new Date(START.getTime() + 15 * 60_000);
const PASSED: GateVerdict = { passed: true, failures: [] };
let verifier: OverrideCodeVerifier;
const clock = { at: START, now() { return this.at; } };
const ADMINS: Operator[] = [1, 2, 3].map((userId) => ({ userId, role: "admin", displayName: "" }));
let notifier: RecordingNotifier;

beforeAll(async () => {
  verifier = new OverrideCodeVerifier(await hashOverrideCode(CODE));
});
beforeEach(async () => {
  await db.dataSource.query(`TRUNCATE accounts, audit_log, live_prep_evidence, phase_promotions CASCADE`);
  await db.dataSource.query(`UPDATE override_code_guard SET attempts = 0, locked_until = NULL`);
  clock.at = START;
  notifier = new RecordingNotifier();
});

/** What a test varies: the promotion settings (configuration in production) and, for the code paths past it, a passing tracking gate. */
interface GoingLiveOptions {
  fourEyes?: boolean;
  expiryMinutes?: number;
  trackingGate?: (accountId: string) => Promise<GateVerdict>;
}

/** The going-live deps as the desk builds them (buildGoingLiveDeps), with KIS account 50012345 configured but unreachable (no Redis). */
function deps(options: GoingLiveOptions = {}, admins: Operator[] = ADMINS): PhaseDeps {
  const operators = { all: () => Promise.resolve(admins), find: () => Promise.resolve(undefined), defaultAccount: () => Promise.resolve(null), setDefaultAccount: () => Promise.resolve() };
  const env: Record<string, string> = { KIS_APP_KEY: "unused-key", KIS_APP_SECRET: "unused-secret", KIS_ACCOUNT_NO: "50012345", PROMOTION_FOUR_EYES: String(options.fourEyes ?? true) };
  if (options.expiryMinutes !== undefined) env.PROMOTION_EXPIRY_MINUTES = String(options.expiryMinutes);
  const desk = testDesk(db.dataSource, { overrideCode: verifier, clock, notifier, env });
  const live = buildGoingLiveDeps(desk, { api: createPushApi("7000000001:test-token", { apiRoot: "https://api.telegram.org", fetch: new TelegramRecorder().fetch, throttle: false }), operators });
  // The gate is measured from mirrored fills (mirror-repository.test.ts); the tests past it pass it here.
  if (options.trackingGate) live.trackingGate = options.trackingGate;
  return { accounts: new AccountRepository(db.dataSource), killSwitch: desk.killSwitch, live };
}

const promote = (d: PhaseDeps, accountId: string, actor = "tg:1", code = CODE) => promoteAccount(d, { accountId, actor, actorIsAdmin: true, code, gate: PASSED });
const decide = (d: PhaseDeps, promotionId: string, actor: string, decision: "approve" | "deny" = "approve") => decidePromotion(d, { promotionId, actor, actorIsAdmin: true, decision });

/** The shadow account, in live-prep since START. */
async function shadowInLivePrep(): Promise<string> {
  const id = await createAccount(db.dataSource, { name: "shadow" });
  await db.dataSource.query(`UPDATE accounts SET phase = 'live-prep', phase_started_at = $2 WHERE id = $1`, [id, START]);
  return id;
}

/** Every checklist item on record, `minutes` after START: a halt and resume, alerts to admins 1-3, a broker check with $250 cash; then the clock is at NOW. */
async function greenChecklist(accountId: string, minutes = 10, cash = "250"): Promise<void> {
  const at = (m: number) => new Date(START.getTime() + m * 60_000);
  for (const [event, m] of [["halted", minutes], ["resumed", minutes + 1]] as const) {
    await db.dataSource.query(`INSERT INTO kill_switch_events (account_id, event, reason, actor, created_at) VALUES ($1, $2, 'test', 'tg:1', $3)`, [accountId, event, at(m)]);
  }
  const store = new LivePrepRepository(db.dataSource);
  for (const admin of ADMINS) await store.recordEvidence({ kind: "alert_delivery", passed: true, subject: `tg:${admin.userId}`, summary: "delivered", details: {}, actor: "tg:1", at: at(minutes + 2) });
  await freshBrokerCheck(at(minutes + 3), cash);
  clock.at = NOW;
}

async function freshBrokerCheck(at: Date, cash = "250"): Promise<void> {
  const store = new LivePrepRepository(db.dataSource);
  await store.recordEvidence({ kind: "broker_check", passed: true, subject: "kis:real", summary: "token, quote, positions", details: {}, actor: "tg:1", at });
  await store.recordEvidence({ kind: "broker_reconciled", passed: true, subject: "kis:real", summary: "no position at the broker", details: { cash }, actor: "tg:1", at });
}

const accounts = () => db.dataSource.query<Record<string, string | null>[]>(`SELECT name, mode, broker, phase, cash::text, starting_capital::text, broker_account, opened_from FROM accounts ORDER BY created_at`);
const promotion = async (id: string) => (await db.dataSource.query(`SELECT status, requested_by, decided_by, live_account_id FROM phase_promotions WHERE id = $1`, [id]))[0];

describe("promotion out of live-prep", () => {
  it("refuses while the checklist is not complete, saying what is missing, before any code is spent", async () => {
    const id = await shadowInLivePrep();
    const result = await promote(deps(), id, "tg:1", "not-even-checked");
    expect(result).toEqual({
      outcome: "refused",
      reason: "the live-prep checklist is not complete",
      missing: [
        "Kill switch tested: halt an account with /halt, then resume it with /resume",
        "Alerts delivered to every admin: send /phase alerts (each admin must have started a chat with the bot)",
        "Broker check within 24 h: run /phase check (or npm run kis:check with DATABASE_URL set)",
        "Broker cash and positions reconciled: run /phase check (or npm run kis:check with DATABASE_URL set)",
      ],
    });
    expect((await db.dataSource.query(`SELECT attempts FROM override_code_guard`))[0].attempts).toBe(0);
    expect(await accounts()).toHaveLength(1);
  });

  it("four eyes: the request waits, the requester cannot approve it, a second admin opens the live account HALTED in micro with the broker's cash", async () => {
    const shadow = await shadowInLivePrep();
    await greenChecklist(shadow);
    const d = deps();
    const requested = await promote(d, shadow);
    expect(requested).toMatchObject({ outcome: "requested", promotion: { from: "live-prep", to: "micro", status: "pending", requestedBy: "tg:1", expiresAt: new Date(NOW.getTime() + HOUR) } });
    if (requested.outcome !== "requested") throw new Error("not requested");
    const pid = requested.promotion.id;
    expect(await accounts()).toHaveLength(1);

    expect(await decide(d, pid, "tg:1")).toMatchObject({ outcome: "refused", code: "own_request" });
    expect(await decidePromotion(d, { promotionId: pid, actor: "tg:9", actorIsAdmin: false, decision: "approve" })).toMatchObject({ outcome: "refused", code: "not_admin" });
    clock.at = new Date(NOW.getTime() + 30 * 60_000);
    const approved = await decide(d, pid, "tg:2");
    expect(approved).toMatchObject({ outcome: "approved", result: { outcome: "promoted", from: "live-prep", to: "micro", live: { kind: "opened", name: "live", state: "HALTED" } } });

    const [, live] = await accounts();
    expect(live).toEqual({ name: "live", mode: "live", broker: "kis", phase: "micro", cash: "250.00", starting_capital: "250.00", broker_account: "5001****-01", opened_from: shadow });
    expect((await accounts())[0]).toMatchObject({ name: "shadow", phase: "live-prep" });
    const [ks] = await db.dataSource.query(`SELECT state, reason FROM kill_switch_states k JOIN accounts a ON a.id = k.account_id WHERE a.name = 'live'`);
    expect(ks).toEqual({ state: "HALTED", reason: "new live account: arm it with /resume" });
    const liveId = (await db.dataSource.query(`SELECT id FROM accounts WHERE name = 'live'`))[0].id;
    expect(await promotion(pid)).toEqual({ status: "approved", requested_by: "tg:1", decided_by: "tg:2", live_account_id: liveId });
    // The first decision won: a later press (approve or deny) changes nothing.
    expect(await decide(d, pid, "tg:3", "deny")).toMatchObject({ outcome: "refused", code: "already_decided", reason: "already approved by tg:2" });
    expect(await accounts()).toHaveLength(2);

    const audit = await db.dataSource.query(`SELECT actor, action, subject FROM audit_log WHERE action NOT LIKE 'override_code.%' ORDER BY id`);
    expect(audit).toEqual([
      { actor: "tg:1", action: "promotion.requested", subject: "live-prep -> micro" },
      { actor: "tg:2", action: "promotion.approved", subject: "live-prep -> micro" },
      { actor: "tg:2", action: "account.created", subject: "live" },
      { actor: "tg:2", action: "account.live_opened", subject: "live-prep -> micro" },
    ]);
    expect(notifier.alerts.filter((a) => a.kind === "promotion").map((a) => a.title)).toEqual(["Promotion requested: shadow live-prep → micro", "Live account live opened (micro)"]);
    expect(notifier.alerts.at(-1)!.lines).toEqual([
      "from shadow's live-prep record, approved by tg:2, requested by tg:1",
      "KIS account 5001****-01; cash $250.00 (the broker's USD cash)",
      "It is HALTED: arm it with /resume @live. shadow stays in live-prep and keeps paper trading.",
    ]);
  });

  it("first decision wins when two admins press at once", async () => {
    const shadow = await shadowInLivePrep();
    await greenChecklist(shadow);
    const d = deps();
    const requested = await promote(d, shadow);
    if (requested.outcome !== "requested") throw new Error("not requested");
    const [a, b] = await Promise.all([decide(d, requested.promotion.id, "tg:2", "approve"), decide(d, requested.promotion.id, "tg:3", "deny")]);
    const winners = [a, b].filter((o) => o.outcome !== "refused");
    expect(winners).toHaveLength(1);
    expect([a, b].find((o) => o.outcome === "refused")).toMatchObject({ code: "already_decided" });
    const status = (await promotion(requested.promotion.id)).status;
    expect(status).toBe(winners[0]!.outcome);
    expect(await accounts()).toHaveLength(status === "approved" ? 2 : 1);
  });

  it("a press after the expiry says so and changes nothing; a new request can then be made", async () => {
    const shadow = await shadowInLivePrep();
    await greenChecklist(shadow);
    const d = deps();
    const first = await promote(d, shadow);
    if (first.outcome !== "requested") throw new Error("not requested");
    expect(await promote(d, shadow, "tg:2")).toMatchObject({ outcome: "refused", reason: expect.stringContaining("is already waiting for a second admin") });
    clock.at = new Date(NOW.getTime() + HOUR);
    expect(await decide(d, first.promotion.id, "tg:2")).toMatchObject({ outcome: "refused", code: "expired", reason: "this request has expired: ask again with /phase promote" });
    expect(await promotion(first.promotion.id)).toMatchObject({ status: "expired", decided_by: null });
    expect(notifier.alerts.at(-1)!.title).toBe("Promotion expired: shadow live-prep → micro");
    expect(await accounts()).toHaveLength(1);
    expect(await promote(d, shadow, "tg:2")).toMatchObject({ outcome: "requested", promotion: { requestedBy: "tg:2" } });
  });

  it("re-checks the checklist at approval: evidence that expired since the request keeps it pending until it is fresh again", async () => {
    const shadow = await shadowInLivePrep();
    await greenChecklist(shadow);
    const d = deps({ expiryMinutes: 48 * 60 });
    const requested = await promote(d, shadow);
    if (requested.outcome !== "requested") throw new Error("not requested");
    clock.at = new Date(START.getTime() + 25 * HOUR);
    const stale = await decide(d, requested.promotion.id, "tg:2");
    expect(stale).toMatchObject({ outcome: "refused", code: "not_ready", reason: "the live-prep checklist is not complete; the request stays pending" });
    expect(stale.outcome === "refused" && stale.missing).toEqual([
      "Broker check within 24 h: run /phase check (or npm run kis:check with DATABASE_URL set)",
      "Broker cash and positions reconciled: run /phase check (or npm run kis:check with DATABASE_URL set)",
    ]);
    expect(await promotion(requested.promotion.id)).toMatchObject({ status: "pending" });
    await freshBrokerCheck(clock.at, "180.5");
    expect(await decide(d, requested.promotion.id, "tg:2")).toMatchObject({ outcome: "approved", result: { live: { kind: "opened" } } });
    expect((await accounts())[1]).toMatchObject({ name: "live", cash: "180.50" });
  });

  it("links the live account already in live-prep (moved to micro, no new account); refuses when it is past live-prep", async () => {
    const shadow = await shadowInLivePrep();
    const live = await createAccount(db.dataSource, { name: "kis-1", cash: "120", live: { phase: "live-prep" }, state: "HALTED" });
    await greenChecklist(shadow);
    const d = deps({ fourEyes: false });
    const linked = await promote(d, shadow);
    expect(linked).toMatchObject({ outcome: "promoted", from: "live-prep", to: "micro", live: { kind: "linked", accountId: live, name: "kis-1", state: "HALTED" } });
    expect(linked.outcome === "promoted" && linked.phaseStartEquity.toFixed(2)).toBe("120.00");
    expect((await accounts()).map((a) => [a.name, a.phase])).toEqual([["shadow", "live-prep"], ["kis-1", "micro"]]);
    expect(await promote(d, shadow)).toEqual({ outcome: "refused", reason: "the live account kis-1 is already in micro: promote that account instead" });
  });

  it("without four eyes a lone admin's promotion runs at once; with four eyes and no other admin it is refused before the code", async () => {
    const shadow = await shadowInLivePrep();
    await greenChecklist(shadow);
    const lone = [ADMINS[0]!];
    expect(await promote(deps({}, lone), shadow, "tg:1", "unchecked")).toEqual({ outcome: "refused", reason: "four eyes (PROMOTION_FOUR_EYES): a second admin must approve, and no other admin is configured" });
    expect(await promote(deps({ fourEyes: false }, lone), shadow)).toMatchObject({ outcome: "promoted", live: { kind: "opened", name: "live" } });
  });
});

describe("promotion out of micro", () => {
  it("needs the tracking-error gate, the code and a second admin; a shadow account in micro cannot climb", async () => {
    const live = await createAccount(db.dataSource, { name: "live", cash: "100", live: { phase: "micro" } });
    expect(await promote(deps(), live)).toEqual({ outcome: "refused", reason: "the tracking-error gate has not passed: mirrored decisions filled on both sides 0 (target >= 10); tracking error (mean |slippage| of live against shadow) n/a (target <= 50 bps)" });
    const d = deps({ trackingGate: () => Promise.resolve(PASSED) });
    const requested = await promote(d, live);
    if (requested.outcome !== "requested") throw new Error("not requested");
    expect(await decide(d, requested.promotion.id, "tg:3")).toMatchObject({ outcome: "approved", result: { from: "micro", to: "small" } });
    expect((await accounts())[0]).toMatchObject({ name: "live", phase: "small" });
    expect(await promotion(requested.promotion.id)).toMatchObject({ status: "approved", decided_by: "tg:3", live_account_id: null });

    const shadow = await createAccount(db.dataSource, { name: "old-shadow" });
    await db.dataSource.query(`UPDATE accounts SET phase = 'micro' WHERE id = $1`, [shadow]);
    expect(await promote(d, shadow)).toMatchObject({ outcome: "refused", reason: expect.stringContaining("old-shadow is a shadow account: its record stops at live-prep") });
  });

  it("a denial settles it, told to the admins", async () => {
    const live = await createAccount(db.dataSource, { name: "live", cash: "100", live: { phase: "micro" } });
    const d = deps({ trackingGate: () => Promise.resolve(PASSED) });
    const requested = await promote(d, live);
    if (requested.outcome !== "requested") throw new Error("not requested");
    expect(await decide(d, requested.promotion.id, "tg:2", "deny")).toMatchObject({ outcome: "denied", promotion: { status: "denied", decidedBy: "tg:2" } });
    expect(notifier.alerts.at(-1)).toMatchObject({ kind: "promotion", title: "Promotion denied: live micro → small", lines: ["denied by tg:2, requested by tg:1"] });
    expect((await accounts())[0]).toMatchObject({ phase: "micro" });
  });
});
