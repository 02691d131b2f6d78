import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createDataSource } from "../../src/adapters/db/data-source.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { KillSwitchRepository } from "../../src/adapters/db/repositories/kill-switch-repository.js";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { TradingGateRepository } from "../../src/adapters/db/repositories/trading-gate-repository.js";
import { checkTriggers } from "../../src/app/kill-switch/check-triggers.js";
import type { KillSwitchDeps } from "../../src/app/kill-switch/deps.js";
import { haltTrading } from "../../src/app/kill-switch/halt-trading.js";
import { whenAdmitted } from "../../src/app/orders/order-guard.js";
import { resumeTrading } from "../../src/app/kill-switch/resume-trading.js";
import { recordPriceBatch } from "../../src/app/prices/record-price-batch.js";
import type { Notifier } from "../../src/app/ports/notifier.js";
import type { NewOrder } from "../../src/app/ports/trading-gate.js";
import { Dec } from "../../src/domain/decimal.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { killSwitchDeps, price } from "../support/desk.js";

const db = useTestDatabase();
const CODE = randomBytes(12).toString("base64url");
// Tuesday 2026-11-24, 11:00 New York: the market is open.
const NOW = new Date("2026-11-24T16:00:00Z");

function deps(notifier = new RecordingNotifier(), now = NOW): KillSwitchDeps {
  return killSwitchDeps(db.dataSource, {
    notifier,
    clock: { now: () => now },
    // Stands in for the scrypt verifier: these tests are about the rules around the code.
    overrideCode: { verify: (code: string) => Promise.resolve(code === CODE) },
  });
}

function order(accountId: string, key: string): NewOrder {
  return { accountId, idempotencyKey: key, source: "operator", side: "BUY", ticker: "NVDA", quantity: 1, orderType: "market", limitPrice: null, stopPrice: null, requestedBy: "tg:1", tradingDay: "2026-11-24" };
}

describe("kill switch", () => {
  it("halts with its reason, records the event and audit, cancels pending approvals and alerts admins", async () => {
    const account = await createAccount(db.dataSource);
    await db.dataSource.query(
      `INSERT INTO proposals (account_id, idempotency_key, source, side, ticker, quantity, order_type, requested_by, expires_at)
       VALUES ($1, 'p1', 'operator', 'BUY', 'NVDA', 5, 'market', 'tg:2', now() + interval '10 minutes')`,
      [account],
    );
    const notifier = new RecordingNotifier();
    const [result] = await haltTrading(deps(notifier), { accountId: account, reason: "desk review", actor: "tg:7" });
    expect(result?.changed).toBe(true);

    const status = await new KillSwitchRepository(db.dataSource).status(account);
    expect(status).toMatchObject({ state: "HALTED", trigger: "manual", reason: "desk review", actor: "tg:7" });
    const [event] = await db.dataSource.query(`SELECT event, from_state, to_state, actor FROM kill_switch_events WHERE account_id = $1`, [account]);
    expect(event).toEqual({ event: "halted", from_state: "ACTIVE", to_state: "HALTED", actor: "tg:7" });
    const [proposal] = await db.dataSource.query(`SELECT status, decision_reason FROM proposals WHERE account_id = $1`, [account]);
    expect(proposal).toEqual({ status: "cancelled", decision_reason: "trading halted: desk review" });
    const [audit] = await db.dataSource.query(`SELECT actor, action FROM audit_log WHERE account_id = $1`, [account]);
    expect(audit).toEqual({ actor: "tg:7", action: "kill_switch.halted" });
    expect(notifier.alerts.map((a) => [a.kind, a.title])).toEqual([["halted", `HALTED ${status!.accountName}`]]);

    // Halting again changes nothing but is still recorded.
    const [again] = await haltTrading(deps(), { accountId: account, reason: "again", actor: "tg:8" });
    expect(again?.changed).toBe(false);
    expect((await new KillSwitchRepository(db.dataSource).status(account))?.reason).toBe("desk review");
  });

  it("refuses orders while halted, lets a risk-reducing one through, and refuses all when the state cannot be read", async () => {
    const gate = new TradingGateRepository(db.dataSource);
    const account = await createAccount(db.dataSource, { state: "HALTED" });
    expect(await whenAdmitted(gate, account, false, (tx) => tx.insertOrder(order(account, "a")))).toEqual({ allowed: false, state: "HALTED", reason: "test: halted" });
    const exit = await whenAdmitted(gate, account, true, (tx) => tx.insertOrder({ ...order(account, "exit"), side: "SELL", source: "stop-loss" }));
    expect(exit.allowed).toBe(true);

    const orphan = await createAccount(db.dataSource);
    await db.dataSource.query(`DELETE FROM kill_switch_states WHERE account_id = $1`, [orphan]);
    const unknown = await whenAdmitted(gate, orphan, true, (tx) => tx.insertOrder(order(orphan, "b")));
    expect(unknown).toMatchObject({ allowed: false, state: "UNKNOWN" });
    const [count] = await db.dataSource.query(`SELECT count(*)::int AS n FROM orders WHERE account_id = ANY($1)`, [[account, orphan]]);
    expect(count.n).toBe(1);
  });

  it("never records an order committed after the halt's commit, with 200 attempts racing it", async () => {
    const [setting] = await db.dataSource.query("SHOW track_commit_timestamp");
    expect(setting.track_commit_timestamp, "the race is judged by commit timestamps: run PostgreSQL with track_commit_timestamp=on").toBe("on");
    const account = await createAccount(db.dataSource);
    const gate = new TradingGateRepository(db.dataSource);
    // The halt comes from another process (the bot), with connections of its own.
    const botProcess = createDataSource({ url: db.url, poolSize: 2, applicationName: "test-bot" });
    await botProcess.initialize();
    const attempts = Array.from({ length: 200 }, (_, i) => whenAdmitted(gate, account, false, (tx) => tx.insertOrder(order(account, `race-${i}`))));
    // Let some attempts through first, then halt in the middle of the stream.
    await Promise.all(attempts.slice(0, 20));
    const halt = haltTrading({ ...deps(), store: new KillSwitchRepository(botProcess) }, { accountId: account, reason: "race", actor: "tg:9" });
    const results = await Promise.all(attempts);
    await halt;
    await botProcess.destroy();

    const allowed = results.filter((r) => r.allowed).length;
    const refused = results.filter((r) => !r.allowed).length;
    expect(allowed).toBeGreaterThanOrEqual(20);
    expect(refused).toBeGreaterThan(0);
    expect(allowed + refused).toBe(200);
    const [row] = await db.dataSource.query(
      `SELECT (SELECT count(*)::int FROM orders o WHERE o.account_id = $1) AS orders,
              (SELECT count(*)::int FROM orders o WHERE o.account_id = $1
                 AND pg_xact_commit_timestamp(o.xmin) > (SELECT pg_xact_commit_timestamp(e.xmin) FROM kill_switch_events e
                                                          WHERE e.account_id = $1 AND e.event = 'halted')) AS after_halt`,
      [account],
    );
    expect(row).toEqual({ orders: allowed, after_halt: 0 });
  });

  it("halts on a price batch that breaches the daily loss, and the halt outlives a restart", async () => {
    // 75,000 cash + 250 x 100 = 100,000 equity; the position is 25% of it (under the 30% line).
    const account = await createAccount(db.dataSource, { cash: "75000" });
    await holdPosition(db.dataSource, account, "DLS", 250, "100");
    await price(db.dataSource, "DLS", "100", new Date(NOW.getTime() - 60_000));
    const first = await checkTriggers(deps(), account, "schedule"); // fixes start-of-day equity at 100,000
    expect(first.halted).toBe(false);
    expect(first.readings.find((r) => r.trigger === "daily_loss")?.value).toBe("0.0000");

    await price(db.dataSource, "DLS", "80", new Date(NOW.getTime() - 1000)); // 75,000 + 250 x 80 = 95,000: exactly -5%
    const notifier = new RecordingNotifier();
    const second = await checkTriggers(deps(notifier), account, "price-batch");
    expect(second.halted).toBe(true);
    expect(second.fired.map((r) => r.trigger)).toEqual(["daily_loss"]);
    expect(notifier.alerts[0]?.lines[0]).toBe("daily_loss: -5.0000% vs limit -5%");

    // A fresh process (new connections, nothing in memory) reads the same halted state.
    const status = await new KillSwitchRepository(db.dataSource).status(account);
    expect(status).toMatchObject({ state: "HALTED", trigger: "daily_loss", actor: "system:price-batch" });
    expect(status?.lastReadings.find((r) => r.trigger === "daily_loss")).toMatchObject({ value: "-5.0000", fired: true });
  });

  it("resumes only with the right code, locks after three wrong ones, and needs an acknowledgement while a trigger holds", async () => {
    const account = await createAccount(db.dataSource, { cash: "75000" });
    await holdPosition(db.dataSource, account, "RSM", 250, "100");
    await price(db.dataSource, "RSM", "100", new Date(NOW.getTime() - 60_000));
    await checkTriggers(deps(), account, "schedule");
    await price(db.dataSource, "RSM", "79", new Date(NOW.getTime() - 1000)); // -5.25%
    expect((await checkTriggers(deps(), account, "price-batch")).halted).toBe(true);

    const notifier = new RecordingNotifier();
    const d = deps(notifier);
    const request = { accountId: account, actor: "tg:1", code: "wrong", acknowledge: false };
    expect(await resumeTrading(d, request)).toEqual({ outcome: "wrong_code", attemptsLeft: 2, lockedUntil: null });
    expect(await resumeTrading(d, request)).toEqual({ outcome: "wrong_code", attemptsLeft: 1, lockedUntil: null });
    const locked = await resumeTrading(d, request);
    expect(locked).toEqual({ outcome: "wrong_code", attemptsLeft: 0, lockedUntil: new Date(NOW.getTime() + 15 * 60_000) });
    // Every wrong code is told to the admins, the lockout too.
    expect(notifier.alerts.map((a) => a.kind)).toEqual(["resume_refused", "resume_refused", "resume_locked"]);
    // Locked: even the right code is refused, without being checked.
    expect(await resumeTrading(d, { ...request, code: CODE })).toEqual({ outcome: "locked", until: new Date(NOW.getTime() + 15 * 60_000) });

    // Sixteen minutes later, with a fresh price: the right code, but daily_loss still holds.
    const later = deps(notifier, new Date(NOW.getTime() + 16 * 60_000));
    await price(db.dataSource, "RSM", "79", new Date(NOW.getTime() + 15 * 60_000));
    const needsAck = await resumeTrading(later, { ...request, code: CODE });
    expect(needsAck.outcome).toBe("needs_acknowledgement");
    expect(needsAck.outcome === "needs_acknowledgement" && needsAck.stillFiring.map((r) => r.trigger)).toEqual(["daily_loss"]);
    expect(await resumeTrading(later, { ...request, code: CODE, acknowledge: true })).toEqual({ outcome: "resumed", suppressed: ["daily_loss"] });

    // The acknowledged trigger stays quiet for the rest of the trading day...
    expect((await checkTriggers(later, account, "schedule")).halted).toBe(false);
    // ...but another trigger still halts.
    await db.dataSource.query(`UPDATE kill_switch_states SET consecutive_api_errors = 3 WHERE account_id = $1`, [account]);
    const apiHalt = await checkTriggers(later, account, "schedule");
    expect(apiHalt.fired.map((r) => r.trigger)).toEqual(["api_error"]);
    const events: { event: string }[] = await db.dataSource.query(`SELECT event FROM kill_switch_events WHERE account_id = $1 ORDER BY id`, [account]);
    const expected = ["halted", "resume_refused", "resume_refused", "resume_locked", "resume_refused", "resume_refused", "trigger_acknowledged", "resumed", "halted"];
    expect(events.map((e) => e.event)).toEqual(expected);
    // Every one of them is in the audit log too, with its actor.
    const audit: { action: string; actor: string }[] = await db.dataSource.query(`SELECT action, actor FROM audit_log WHERE account_id = $1 ORDER BY id`, [account]);
    expect(audit.map((a) => a.action)).toEqual(expected.map((e) => `kill_switch.${e}`));
    expect(new Set(audit.filter((a) => a.action.includes("resume")).map((a) => a.actor))).toEqual(new Set(["tg:1"]));
  });
});

describe("a halt commits whatever its text and whatever follows it", () => {
  it("cleans a reason with a NUL byte and controls, and cuts a long one without splitting an emoji", async () => {
    const account = await createAccount(db.dataSource);
    await haltTrading(deps(), { accountId: account, reason: "feed\u0000glitch\u0007 now", actor: "api\u0000" });
    expect(await new KillSwitchRepository(db.dataSource).status(account)).toMatchObject({ state: "HALTED", reason: "feedglitch now", actor: "api" });

    const other = await createAccount(db.dataSource);
    // 499 letters and then emoji: a cut at 500 UTF-16 units would leave half a surrogate pair.
    const reason = `${"x".repeat(499)}${"👍🏽".repeat(10)}`;
    await haltTrading(deps(), { accountId: other, reason, actor: "tg:7" });
    const status = await new KillSwitchRepository(db.dataSource).status(other);
    expect(status?.state).toBe("HALTED");
    expect(status?.reason).toBe(`${"x".repeat(499)}…`);
    const [audit] = await db.dataSource.query(`SELECT details->>'reason' AS reason FROM audit_log WHERE account_id = $1 AND action = 'kill_switch.halted'`, [other]);
    expect(audit.reason).toBe(status?.reason);
  });

  it("keeps the HALTED row when the audit insert fails, and halts every account when an alert fails", async () => {
    // An earlier test left an account without a kill-switch row (that halt would throw, after the others).
    await db.dataSource.query(`DELETE FROM accounts WHERE id NOT IN (SELECT account_id FROM kill_switch_states)`);
    const first = await createAccount(db.dataSource, { name: "Audit-broken" });
    const second = await createAccount(db.dataSource, { name: "Second" });
    await db.dataSource.query(`
      CREATE FUNCTION refuse_halt_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.action = 'kill_switch.halted' THEN RAISE EXCEPTION 'audit log unavailable'; END IF;
        RETURN NEW;
      END $$`);
    await db.dataSource.query(`CREATE TRIGGER refuse_halt_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_halt_audit()`);
    const alerts: string[] = [];
    const failingNotifier: Notifier = {
      notify: (alert) => {
        alerts.push(alert.title);
        return Promise.reject(new Error("Telegram unreachable"));
      },
    };
    try {
      const results = await haltTrading({ ...deps(), notifier: failingNotifier }, { reason: "audit down", actor: "tg:7" });
      expect(results.filter((r) => r.accountId === first || r.accountId === second).map((r) => r.changed)).toEqual([true, true]);
    } finally {
      await db.dataSource.query(`DROP TRIGGER refuse_halt_audit ON audit_log; DROP FUNCTION refuse_halt_audit()`);
    }
    const repo = new KillSwitchRepository(db.dataSource);
    expect((await repo.status(first))?.state).toBe("HALTED");
    expect((await repo.status(second))?.state).toBe("HALTED");
    expect(alerts).toEqual(expect.arrayContaining(["HALTED Audit-broken", "HALTED Second"]));
  });

  it("alerts nobody for a halt that changed nothing (a burst of /halt does not flood the admins)", async () => {
    const account = await createAccount(db.dataSource, { state: "HALTED" });
    const notifier = new RecordingNotifier();
    const [again] = await haltTrading(deps(notifier), { accountId: account, reason: "again", actor: "tg:8" });
    expect(again?.changed).toBe(false);
    expect(notifier.alerts).toEqual([]);
    const events = await db.dataSource.query(`SELECT event, reason FROM kill_switch_events WHERE account_id = $1`, [account]);
    expect(events).toEqual([{ event: "trigger_fired", reason: "again" }]);
  });
});

describe("price batches", () => {
  it("re-check only the accounts holding a ticker of the batch, and halt the one it breaches", async () => {
    const exposed = await createAccount(db.dataSource, { cash: "75000" });
    const bystander = await createAccount(db.dataSource, { cash: "75000" });
    await holdPosition(db.dataSource, exposed, "PBX", 250, "100");
    await holdPosition(db.dataSource, bystander, "PBY", 250, "100");
    await price(db.dataSource, "PBX", "100", new Date(NOW.getTime() - 60_000));
    await price(db.dataSource, "PBY", "100", new Date(NOW.getTime() - 60_000));
    await checkTriggers(deps(), exposed, "schedule");

    const notifier = new RecordingNotifier();
    const crash = new Dec("79");
    const result = await recordPriceBatch({ prices: new PriceRepository(db.dataSource), killSwitch: deps(notifier) }, [
      { ticker: "PBX", time: new Date(NOW.getTime() - 500), open: crash, high: crash, low: crash, close: crash, adjClose: null, volume: 1n, source: "poll" },
    ]);
    expect(result.checks.map((c) => [c.accountId, c.halted])).toEqual([[exposed, true]]);
    expect(result.failures).toEqual([]);
    expect(notifier.alerts.map((a) => a.accountId)).toEqual([exposed]);
    expect((await new KillSwitchRepository(db.dataSource).status(bystander))?.state).toBe("ACTIVE");
  });
});
