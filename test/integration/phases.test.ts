import { randomBytes } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AccountRepository } from "../../src/adapters/db/repositories/account-repository.js";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { hashOverrideCode, OverrideCodeVerifier } from "../../src/adapters/security/override-code.js";
import { demoteAccount, promoteAccount, type GateVerdict, type PhaseDeps } from "../../src/app/accounts/change-phase.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { Dec } from "../../src/domain/decimal.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { killSwitchDeps } from "../support/desk.js";

const db = useTestDatabase();
const CODE = randomBytes(12).toString("base64url");
const NOW = new Date("2026-11-24T16:00:00Z");
const PASSED: GateVerdict = { passed: true, failures: [] };
let verifier: OverrideCodeVerifier;
beforeAll(async () => {
  verifier = new OverrideCodeVerifier(await hashOverrideCode(CODE));
});
// The override-code guard is desk-wide: each test starts with no attempt counted.
beforeEach(async () => {
  await db.dataSource.query(`UPDATE override_code_guard SET attempts = 0, locked_until = NULL`);
  await db.dataSource.query(`DELETE FROM audit_log WHERE action LIKE 'override_code.%'`);
});

/** `null`: no OVERRIDE_CODE_HASH configured. */
function deps(overrideCode: PhaseDeps["killSwitch"]["overrideCode"] | null = verifier, notifier = new RecordingNotifier()): PhaseDeps {
  return { accounts: new AccountRepository(db.dataSource), killSwitch: killSwitchDeps(db.dataSource, { overrideCode: overrideCode ?? undefined, clock: { now: () => NOW }, notifier }) };
}

/** A verifier that counts how often it was asked. */
function countingVerifier(): { verify(code: string): Promise<boolean>; calls: number } {
  return {
    calls: 0,
    verify(code: string) {
      this.calls++;
      return verifier.verify(code);
    },
  };
}

const guard = async (): Promise<{ attempts: number; locked_until: Date | null }> => (await db.dataSource.query(`SELECT attempts, locked_until FROM override_code_guard`))[0];

async function account(id: string) {
  const [row] = await db.dataSource.query(`SELECT phase, phase_started_at, phase_start_equity::text FROM accounts WHERE id = $1`, [id]);
  return row;
}

async function audit(id: string): Promise<{ actor: string; action: string; subject: string; details: unknown }[]> {
  return db.dataSource.query(`SELECT actor, action, subject, details FROM audit_log WHERE account_id = $1 ORDER BY id`, [id]);
}

const admin = (accountId: string, code = CODE, gate: GateVerdict = PASSED) => ({ accountId, actor: "tg:1", actorIsAdmin: true, code, gate });

describe("promoting and demoting an account", () => {
  it("refuses a non-admin, a wrong code, and a missing override code, changing nothing", async () => {
    const id = await createAccount(db.dataSource);
    expect(await promoteAccount(deps(), { ...admin(id), actorIsAdmin: false })).toEqual({ outcome: "refused", reason: "only an admin may change an account's phase" });
    expect(await promoteAccount(deps(), admin(id, "not-the-code-at-all"))).toEqual({ outcome: "refused", reason: "wrong override code (2 attempt(s) left before a lockout)" });
    expect(await promoteAccount(deps(null), admin(id))).toMatchObject({ outcome: "refused", reason: expect.stringContaining("no override code is configured") });
    expect(await demoteAccount(deps(), { accountId: id, actor: "tg:2", actorIsAdmin: false })).toMatchObject({ outcome: "refused" });
    expect((await account(id)).phase).toBe("shadow");
    expect(await audit(id)).toEqual([]);
  });

  it("keeps an account in shadow while the promotion gate fails, even with the right code", async () => {
    const id = await createAccount(db.dataSource);
    const gate = { passed: false, failures: ["fewer than 20 shadow trading days", "win rate 41% (needs 50%)"] };
    expect(await promoteAccount(deps(), admin(id, CODE, gate))).toEqual({
      outcome: "refused",
      reason: "the promotion gate has not passed: fewer than 20 shadow trading days; win rate 41% (needs 50%)",
    });
    expect((await account(id)).phase).toBe("shadow");
  });

  it("checks the promotion gate before the code: a refused gate never verifies nor counts a code", async () => {
    const id = await createAccount(db.dataSource);
    const counting = countingVerifier();
    const failing = { passed: false, failures: ["win rate 41% (needs 55%)"] };
    expect(await promoteAccount(deps(counting), admin(id, "a-wrong-guess", failing))).toEqual({ outcome: "refused", reason: "the promotion gate has not passed: win rate 41% (needs 55%)" });
    expect(counting.calls).toBe(0);
    expect(await guard()).toEqual({ attempts: 0, locked_until: null });
  });

  it("shares the desk-wide lockout with resume: every wrong promotion code is alerted, the third locks, and a locked desk does not even verify", async () => {
    const id = await createAccount(db.dataSource, { name: "Promo" });
    const notifier = new RecordingNotifier();
    const counting = countingVerifier();
    const d = deps(counting, notifier);
    for (const guess of ["wrong-guess-1", "wrong-guess-2"]) expect(await promoteAccount(d, admin(id, guess))).toMatchObject({ outcome: "refused" });
    const locked = await promoteAccount(d, admin(id, "wrong-guess-3"));
    expect(locked).toEqual({ outcome: "refused", reason: "wrong override code: every override-code use is now locked until 2026-11-24T16:15:00.000Z" });
    expect(notifier.alerts.map((a) => [a.kind, a.lines[0]])).toEqual([
      ["resume_refused", "by tg:1 (promote Promo to live-prep)"],
      ["resume_refused", "by tg:1 (promote Promo to live-prep)"],
      ["resume_locked", "3 wrong override codes, last by tg:1 (promote Promo to live-prep)"],
    ]);
    expect(notifier.alerts[0]!.lines[1]).toBe("2 attempt(s) left before every override-code use is locked for 15 minutes");
    // Locked: even the right code is refused, unverified.
    expect(await promoteAccount(d, admin(id))).toEqual({ outcome: "refused", reason: "override codes are locked after too many wrong codes, until 2026-11-24T16:15:00.000Z" });
    expect(counting.calls).toBe(3);
    expect((await account(id)).phase).toBe("shadow");
    const wrong = await db.dataSource.query(`SELECT actor, action, details->>'for' AS what FROM audit_log WHERE action LIKE 'override_code.%' ORDER BY id`);
    expect(wrong).toEqual([
      { actor: "tg:1", action: "override_code.wrong", what: "promote Promo to live-prep" },
      { actor: "tg:1", action: "override_code.wrong", what: "promote Promo to live-prep" },
      { actor: "tg:1", action: "override_code.locked", what: "promote Promo to live-prep" },
    ]);
  });

  it("promotes with the right code and a passing gate, starting the phase at today's equity, audited", async () => {
    const id = await createAccount(db.dataSource, { cash: "5000" });
    await holdPosition(db.dataSource, id, "PHA", 10, "20");
    const c = new Dec("25.5");
    await new PriceRepository(db.dataSource).upsert([{ ticker: "PHA", time: NOW, open: c, high: c, low: c, close: c, adjClose: null, volume: 1n, source: "test" }], "update");

    const promoted = await promoteAccount(deps(), admin(id));
    expect(promoted).toMatchObject({ outcome: "promoted", from: "shadow", to: "live-prep" });
    expect(promoted.outcome === "promoted" && promoted.phaseStartEquity.toFixed(4)).toBe("5255.0000");
    expect(await account(id)).toEqual({ phase: "live-prep", phase_started_at: NOW, phase_start_equity: "5255.0000" });
    expect(await audit(id)).toEqual([
      { actor: "tg:1", action: "account.promoted", subject: "shadow -> live-prep", details: { from: "shadow", to: "live-prep", gate: PASSED, phaseStartEquity: "5255.0000" } },
    ]);

    // Out of live-prep the shadow account opens the live account (going-live.test.ts): never by itself, nor without that path.
    expect(await promoteAccount(deps(), admin(id))).toEqual({ outcome: "refused", reason: "promotions toward real money are not configured in this process" });
    expect((await account(id)).phase).toBe("live-prep");
  });

  it("refuses to promote an account already in the last phase", async () => {
    const id = await createAccount(db.dataSource);
    await db.dataSource.query(`UPDATE accounts SET phase = 'small' WHERE id = $1`, [id]);
    expect(await promoteAccount(deps(), admin(id))).toEqual({ outcome: "refused", reason: "the account is already in small, the last phase" });
  });

  it("demotes one rung for any admin without a code, audited, down to shadow and no further", async () => {
    const id = await createAccount(db.dataSource);
    await db.dataSource.query(`UPDATE accounts SET phase = 'micro' WHERE id = $1`, [id]);
    const request = { accountId: id, actor: "tg:9", actorIsAdmin: true };
    expect(await demoteAccount(deps(null), request)).toMatchObject({ outcome: "demoted", from: "micro", to: "live-prep" });
    expect(await account(id)).toEqual({ phase: "live-prep", phase_started_at: NOW, phase_start_equity: "100000.0000" });
    expect(await demoteAccount(deps(null), request)).toMatchObject({ outcome: "demoted", from: "live-prep", to: "shadow" });
    expect(await demoteAccount(deps(null), request)).toEqual({ outcome: "refused", reason: "the account is already in shadow, the first phase" });
    expect((await audit(id)).map((a) => [a.action, a.subject])).toEqual([
      ["account.demoted", "micro -> live-prep"],
      ["account.demoted", "live-prep -> shadow"],
    ]);
  });

  it("stops a live account's demotion at live-prep", async () => {
    const [row] = await db.dataSource.query(
      `INSERT INTO accounts (name, mode, broker, phase, starting_capital, cash, phase_start_equity) VALUES ('live-1', 'live', 'kis', 'live-prep', 100, 100, 100) RETURNING id`,
    );
    const result = await demoteAccount(deps(), { accountId: row.id, actor: "tg:9", actorIsAdmin: true });
    expect(result).toMatchObject({ outcome: "refused", reason: expect.stringContaining("a live account cannot go back to shadow") });
    expect((await account(row.id)).phase).toBe("live-prep");
  });
});
