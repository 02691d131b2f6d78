import { randomBytes } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { AccountRepository } from "../../src/adapters/db/repositories/account-repository.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { promoteAccount } from "../../src/app/accounts/change-phase.js";
import type { KillSwitchDeps } from "../../src/app/kill-switch/deps.js";
import { haltTrading } from "../../src/app/kill-switch/halt-trading.js";
import { resumeTrading, type ResumeResult } from "../../src/app/kill-switch/resume-trading.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { killSwitchDeps } from "../support/desk.js";

const db = useTestDatabase();
const CODE = randomBytes(12).toString("base64url");
const NOW = new Date("2026-11-24T16:00:00Z");
const LOCKED_UNTIL = new Date("2026-11-24T16:15:00Z");

/** A verifier the test holds open: each call waits for release(), so the test decides when verification ends. */
function heldVerifier() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const started: string[] = [];
  let onStart: (() => void) | undefined;
  return {
    started,
    release,
    /** Resolves once `n` verifications are in flight. */
    inFlight(n: number): Promise<void> {
      return started.length >= n ? Promise.resolve() : new Promise<void>((resolve) => (onStart = () => started.length >= n && resolve()));
    },
    async verify(code: string): Promise<boolean> {
      started.push(code);
      onStart?.();
      await released;
      return code === CODE;
    },
  };
}

function countingVerifier() {
  return {
    calls: 0,
    verify(code: string): Promise<boolean> {
      this.calls++;
      return Promise.resolve(code === CODE);
    },
  };
}

function deps(overrideCode: KillSwitchDeps["overrideCode"], notifier = new RecordingNotifier()): KillSwitchDeps {
  return killSwitchDeps(db.dataSource, { overrideCode, notifier, clock: { now: () => NOW } });
}

async function haltedAccount(name: string): Promise<string> {
  return createAccount(db.dataSource, { name, state: "HALTED" });
}

const guardRow = async () => (await db.dataSource.query(`SELECT attempts, locked_until FROM override_code_guard`))[0];

beforeEach(async () => {
  await db.dataSource.query(`TRUNCATE accounts, audit_log CASCADE`);
  await db.dataSource.query(`UPDATE override_code_guard SET attempts = 0, locked_until = NULL, last_wrong_at = NULL, last_wrong_by = NULL`);
});

describe("the desk-wide override-code attempt counter", () => {
  it("counts wrong codes across accounts, Telegram, REST and promotion together: the third locks every use", async () => {
    const a = await haltedAccount("Alpha");
    const b = await haltedAccount("Beta");
    const c = await createAccount(db.dataSource, { name: "Gamma" });
    const notifier = new RecordingNotifier();
    const d = deps(countingVerifier(), notifier);
    // Before, each account had its own 3 attempts: N accounts gave 3N guesses.
    expect(await resumeTrading(d, { accountId: a, actor: "tg:1", code: "guess-one-x", acknowledge: false })).toEqual({ outcome: "wrong_code", attemptsLeft: 2, lockedUntil: null });
    expect(await resumeTrading(d, { accountId: b, actor: "api", code: "guess-two-x", acknowledge: false })).toEqual({ outcome: "wrong_code", attemptsLeft: 1, lockedUntil: null });
    const promotion = await promoteAccount({ accounts: new AccountRepository(db.dataSource), killSwitch: d }, { accountId: c, actor: "tg:1", actorIsAdmin: true, code: "guess-three", gate: { passed: true, failures: [] } });
    expect(promotion).toEqual({ outcome: "refused", reason: `wrong override code: every override-code use is now locked until ${LOCKED_UNTIL.toISOString()}` });

    // Locked for everyone and everything, even with the right code.
    expect(await resumeTrading(d, { accountId: a, actor: "tg:2", code: CODE, acknowledge: false })).toEqual({ outcome: "locked", until: LOCKED_UNTIL });
    expect(await resumeTrading(d, { accountId: b, actor: "api", code: CODE, acknowledge: false })).toEqual({ outcome: "locked", until: LOCKED_UNTIL });
    expect(await guardRow()).toEqual({ attempts: 3, locked_until: LOCKED_UNTIL });

    // Every wrong code reached the admins: who, for what, attempts left; then the lock.
    expect(notifier.alerts.map((x) => [x.kind, x.accountName, x.lines[0]])).toEqual([
      ["resume_refused", "Alpha", "by tg:1 (resume Alpha)"],
      ["resume_refused", "Beta", "by api (resume Beta)"],
      ["resume_locked", "Gamma", "3 wrong override codes, last by tg:1 (promote Gamma to live-prep)"],
    ]);
    expect(notifier.alerts.map((x) => x.lines[1])).toEqual([
      "2 attempt(s) left before every override-code use is locked for 15 minutes",
      "1 attempt(s) left before every override-code use is locked for 15 minutes",
      `resume, promotion and the REST deactivate are locked until ${LOCKED_UNTIL.toISOString()}`,
    ]);
    const states: { state: string }[] = await db.dataSource.query(`SELECT state FROM kill_switch_states ORDER BY state`);
    expect(states.map((r) => r.state)).toEqual(["ACTIVE", "HALTED", "HALTED"]);
  });

  it("lets no more than three of many concurrent guesses be verified, and a right code clears the count", async () => {
    const a = await haltedAccount("Alpha");
    const counting = countingVerifier();
    const d = deps(counting);
    const guesses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => resumeTrading(d, { accountId: a, actor: `tg:${i}`, code: `concurrent-guess-${i}`, acknowledge: false })),
    );
    expect(counting.calls).toBe(3);
    const outcomes = guesses.map((g) => g.outcome).sort();
    expect(outcomes).toEqual([...Array<string>(9).fill("locked"), ...Array<string>(3).fill("wrong_code")]);

    // After the lockout the count starts again; a right code resets it to zero.
    const later = killSwitchDeps(db.dataSource, { overrideCode: counting, clock: { now: () => new Date(LOCKED_UNTIL.getTime() + 1) } });
    expect(await resumeTrading(later, { accountId: a, actor: "tg:1", code: "after-the-lock", acknowledge: false })).toMatchObject({ outcome: "wrong_code", attemptsLeft: 2 });
    expect(await resumeTrading(later, { accountId: a, actor: "tg:1", code: CODE, acknowledge: false })).toEqual({ outcome: "resumed", suppressed: [] });
    expect(await guardRow()).toEqual({ attempts: 0, locked_until: null });
  });

  it("never holds a kill-switch row while a code is verified: a halt of every account commits while resumes wait on verification", async () => {
    const a = await haltedAccount("Alpha");
    const b = await createAccount(db.dataSource, { name: "Beta" });
    const held = heldVerifier();
    const d = deps(held);
    const resumes: Promise<ResumeResult>[] = [1, 2, 3].map((i) => resumeTrading(d, { accountId: a, actor: `tg:${i}`, code: CODE, acknowledge: false }));
    await held.inFlight(3);

    // The halt either commits, or is seen waiting on a row lock (the old behaviour: scrypt under the lock).
    let settled = false;
    const halt = haltTrading(deps(undefined), { reason: "flash crash", actor: "tg:9" }).then(() => "committed");
    const waitingOnLock = (async () => {
      while (!settled) {
        const [row] = await db.dataSource.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        if (row.n > 0) return "waiting on a kill-switch row lock";
        await new Promise((resolve) => setImmediate(resolve));
      }
      return "committed";
    })();
    const first = await Promise.race([halt, waitingOnLock]);
    settled = true;
    const states = await db.dataSource.query(`SELECT account_id, state FROM kill_switch_states ORDER BY account_id`);
    const stillVerifying = held.started.length;
    held.release();
    await Promise.all([halt, ...resumes]);
    expect(first).toBe("committed");
    expect(stillVerifying).toBe(3);
    expect(states).toEqual([a, b].sort().map((id) => ({ account_id: id, state: "HALTED" })));
  });
});
