import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { OverrideCodeVerifier } from "../../src/adapters/security/override-code.js";
import { ADMIN, createTestBot, TRADER, type TestBot } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { auditRows, buttons, freshDesk, killSwitchEvents, killSwitchRows, overrideCode, redisDump } from "./fixtures.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let code: string;
let verifier: OverrideCodeVerifier;
let accountId: string;

beforeAll(async () => {
  ({ code, verifier } = await overrideCode());
});

beforeEach(async () => {
  accountId = await freshDesk(db.dataSource, redis, prefix);
});

const CANCELLED = "Cancelled: the account stays halted.";
const bot = (): TestBot => createTestBot(db.dataSource, { redis, prefix, overrideCode: verifier });

/** Halts the account through the bot, as a trader would. */
async function halt(t: TestBot, reason = "fat finger"): Promise<void> {
  await t.send(TRADER, `/halt ${reason}`);
  expect((await killSwitchRows(db.dataSource)).map((r) => r.state)).not.toContain("ACTIVE");
}

/** Sends `text` as the admin's next message and returns that message's id. */
async function sendAs(t: TestBot, text: string): Promise<number> {
  const update = t.textUpdate(ADMIN, text);
  await t.bot.handleUpdate(update);
  return update.message!.message_id;
}

/** Runs /resume up to the request for the code (no trigger holds, so no acknowledgement). */
async function upToTheCode(t: TestBot): Promise<void> {
  await t.send(ADMIN, "/resume");
  expect(buttons(t.telegram.sent("sendMessage", ADMIN).at(-1)!)).toEqual(["rs:go:yes", "dlg:cancel"]);
  await t.press(ADMIN, "rs:go:yes");
  expect(t.telegram.lastText(ADMIN)).toBe("Send the override code. Its message is deleted as soon as it is read. (/cancel to stop)");
}

/** The code appears nowhere: not in what the bot sent, the database's records, nor Redis. */
async function expectCodeNowhere(...bots: TestBot[]): Promise<void> {
  for (const t of bots) expect(JSON.stringify(t.telegram.calls)).not.toContain(code);
  expect(JSON.stringify(await auditRows(db.dataSource))).not.toContain(code);
  expect(JSON.stringify(await db.dataSource.query(`SELECT * FROM kill_switch_events`))).not.toContain(code);
  expect(JSON.stringify(await db.dataSource.query(`SELECT * FROM kill_switch_states`))).not.toContain(code);
  expect(await redisDump(redis, prefix)).not.toContain(code);
}

describe("/resume", () => {
  it("briefs, asks to acknowledge a trigger that still holds, confirms, takes the code, deletes it and resumes", async () => {
    // The day started at $200,000 and the account has $100,000: the daily loss still holds.
    await db.dataSource.query(
      `INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value) VALUES ($1, 'start_of_day', '2026-11-24', 200000, 200000, 0)`,
      [accountId],
    );
    const t = bot();
    await halt(t);
    await t.send(ADMIN, "/resume");
    const [briefing, ack] = t.telegram.sent("sendMessage", ADMIN).slice(-2);
    expect(briefing!.payload.text).toMatch(/^🚨 <b>Shadow<\/b> is HALTED since \d{4}-\d\d-\d\d \d\d:\d\d ET\ntrigger: manual · by tg:102\nreason: fat finger\n\n<b>Triggers now<\/b>\n/);
    expect(briefing!.payload.text).toMatch(/🔴 <code>daily_loss<\/code> -50(\.0+)?%/);
    expect(briefing!.payload.text).toContain("🟢 <code>max_drawdown</code>");
    expect(ack!.payload.text).toBe("⚠️ Still holding: daily_loss. Resuming means acknowledging it: suppressed until it clears or the next trading day.");
    expect(buttons(ack!)).toEqual(["rs:ack:yes", "dlg:cancel"]);

    await t.press(ADMIN, "rs:ack:yes");
    expect(t.telegram.lastText(ADMIN)).toBe("Resume trading on Shadow?");
    await t.press(ADMIN, "rs:go:yes");
    expect(t.telegram.lastText(ADMIN)).toContain("Send the override code");
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "HALTED" }]);

    const codeMessage = await sendAs(t, code);
    expect(t.telegram.sent("deleteMessage")).toEqual([{ method: "deleteMessage", payload: { chat_id: ADMIN, message_id: codeMessage } }]);
    expect(t.telegram.lastText(ADMIN)).toBe("🟢 <b>Trading resumed on Shadow</b>\nacknowledged, suppressed for today: daily_loss");
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "ACTIVE", actor: `tg:${ADMIN}`, trigger: null }]);
    expect((await killSwitchEvents(db.dataSource)).map((e) => [e.event, e.actor])).toEqual([
      ["halted", `tg:${TRADER}`],
      ["trigger_acknowledged", `tg:${ADMIN}`],
      ["resumed", `tg:${ADMIN}`],
    ]);
    expect((await auditRows(db.dataSource)).filter((r) => r.action === "tg.resume")).toEqual([
      { actor: `tg:${ADMIN}`, action: "tg.resume", subject: null, details: { outcome: "resumed" } },
    ]);
    expect(t.notifier.alerts.map((a) => a.kind)).toEqual(["halted", "resumed"]);
    await expectCodeNowhere(t);
    // The dialogue is over: nothing of it is left in Redis.
    expect(await redis.keys(`${prefix}conv:*`)).toEqual([]);
  });

  it("goes straight to the confirmation when no trigger holds", async () => {
    const t = bot();
    await halt(t, "lunch");
    await upToTheCode(t);
    await sendAs(t, code);
    expect(t.telegram.lastText(ADMIN)).toBe("🟢 <b>Trading resumed on Shadow</b>");
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "ACTIVE" }]);
  });

  it("a wrong code is deleted too, counts an attempt and leaves the account halted", async () => {
    const t = bot();
    await halt(t);
    await upToTheCode(t);
    const wrong = await sendAs(t, "not-the-code-1");
    expect(t.telegram.sent("deleteMessage")).toEqual([{ method: "deleteMessage", payload: { chat_id: ADMIN, message_id: wrong } }]);
    expect(t.telegram.lastText(ADMIN)).toBe("❌ Wrong code: 2 attempt(s) left before a lockout. The account stays halted; /resume to try again.");
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "HALTED", reason: "fat finger" }]);
    expect(await db.dataSource.query(`SELECT attempts FROM override_code_guard`)).toEqual([{ attempts: 1 }]);
    expect((await auditRows(db.dataSource)).filter((r) => r.action === "tg.resume").map((r) => r.details)).toEqual([{ outcome: "wrong_code" }]);
    // The wrong code ended the dialogue: the next text is not taken as a code.
    await t.send(ADMIN, code);
    expect(t.telegram.lastText(ADMIN)).toBe("I only understand commands. /help lists them.");
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "HALTED" }]);
  });

  it("three wrong codes lock resuming and alert the admins; a fourth /resume is told it is locked", async () => {
    const t = bot();
    await halt(t);
    for (const attempt of [1, 2, 3]) {
      await upToTheCode(t);
      await sendAs(t, `wrong-code-${attempt}`);
    }
    expect(t.telegram.texts(ADMIN).filter((x) => x.includes("Wrong code"))).toEqual([
      "❌ Wrong code: 2 attempt(s) left before a lockout. The account stays halted; /resume to try again.",
      "❌ Wrong code: 1 attempt(s) left before a lockout. The account stays halted; /resume to try again.",
      "🔒 Wrong code. Resume is now locked until 2026-11-24 11:15 ET; every admin was told.",
    ]);
    // Every wrong code is told to the admins, and the lock; the counter is the desk's, not the account's.
    expect(t.notifier.alerts.filter((a) => a.kind === "resume_refused").map((a) => a.lines[0])).toEqual([`by tg:${ADMIN} (resume Shadow)`, `by tg:${ADMIN} (resume Shadow)`]);
    const locked = t.notifier.alerts.filter((a) => a.kind === "resume_locked");
    expect(locked).toHaveLength(1);
    expect(locked[0]!.lines).toEqual([
      `3 wrong override codes, last by tg:${ADMIN} (resume Shadow)`,
      "resume, promotion and the REST deactivate are locked until 2026-11-24T16:15:00.000Z",
    ]);
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "HALTED" }]);
    expect(await db.dataSource.query(`SELECT attempts, locked_until FROM override_code_guard`)).toEqual([{ attempts: 3, locked_until: new Date("2026-11-24T16:15:00Z") }]);

    await t.send(ADMIN, "/resume");
    expect(t.telegram.lastText(ADMIN)).toBe("🔒 Resume is locked after too many wrong codes until 2026-11-24 11:15 ET.");
    await t.send(ADMIN, code);
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "HALTED" }]);
    await t.send(TRADER, "/status");
    expect(t.telegram.lastText(TRADER)).toContain("🔒 resume locked until 2026-11-24 11:15 ET");
  });

  it("/cancel or the Cancel button at any step leaves the account halted", async () => {
    await db.dataSource.query(
      `INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value) VALUES ($1, 'start_of_day', '2026-11-24', 200000, 200000, 0)`,
      [accountId],
    );
    const t = bot();
    await halt(t);
    // At the acknowledgement...
    await t.send(ADMIN, "/resume");
    await t.send(ADMIN, "/cancel");
    expect(t.telegram.lastText(ADMIN)).toBe(CANCELLED);
    // ...at the confirmation...
    await t.send(ADMIN, "/resume");
    await t.press(ADMIN, "rs:ack:yes");
    await t.press(ADMIN, "dlg:cancel");
    expect(t.telegram.lastText(ADMIN)).toBe(CANCELLED);
    // ...and instead of the code.
    await t.send(ADMIN, "/resume");
    await t.press(ADMIN, "rs:ack:yes");
    await t.press(ADMIN, "rs:go:yes");
    await t.send(ADMIN, "/cancel");
    expect(t.telegram.lastText(ADMIN)).toBe(CANCELLED);
    expect(t.telegram.sent("deleteMessage")).toEqual([]);
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "HALTED" }]);
    expect((await killSwitchEvents(db.dataSource)).map((e) => e.event)).toEqual(["halted"]);
    await t.send(ADMIN, "/cancel");
    expect(t.telegram.lastText(ADMIN)).toBe("Nothing to cancel.");
  });

  it("says there is nothing to resume when no account is halted", async () => {
    const t = bot();
    await t.send(ADMIN, "/resume");
    expect(t.telegram.texts(ADMIN)).toEqual(["Every account is ACTIVE: nothing to resume."]);
    expect(await redis.keys(`${prefix}conv:*`)).toEqual([]);
  });

  it("refuses to start without an override code configured", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await halt(t);
    await t.send(ADMIN, "/resume");
    expect(t.telegram.lastText(ADMIN)).toContain("❌ No override code is configured, so nobody can resume");
  });

  it("asks which account when several are halted, and resumes only that one", async () => {
    const t = bot();
    await db.dataSource.query(`INSERT INTO accounts (name, mode, broker, phase, starting_capital, cash, phase_start_equity) VALUES ('Second', 'shadow', 'paper', 'shadow', 1000, 1000, 1000)`);
    await db.dataSource.query(`INSERT INTO kill_switch_states (account_id, state) SELECT id, 'ACTIVE' FROM accounts WHERE name = 'Second'`);
    await halt(t);
    await t.send(ADMIN, "/resume");
    const ask = t.telegram.sent("sendMessage", ADMIN).at(-1)!;
    expect(ask.payload.text).toBe("Which account?");
    const ids = await db.dataSource.query<{ id: string; name: string }[]>(`SELECT a.id, a.name FROM accounts a JOIN kill_switch_states k ON k.account_id = a.id ORDER BY a.created_at, a.id`);
    const second = ids.find((r) => r.name === "Second")!.id;
    // Buttons carry the account id, so an old keyboard still means what its label says.
    expect(buttons(ask)).toEqual(expect.arrayContaining([`rs:acct:${second}`, "dlg:cancel"]));
    expect(buttons(ask)).toHaveLength(3);
    await t.press(ADMIN, `rs:acct:${second}`);
    expect(t.telegram.texts(ADMIN).at(-2)).toMatch(/^🚨 <b>Second<\/b> is HALTED/);
    await t.press(ADMIN, "rs:go:yes");
    await sendAs(t, code);
    expect(t.telegram.lastText(ADMIN)).toBe("🟢 <b>Trading resumed on Second</b>");
    const states = await db.dataSource.query(`SELECT a.name, k.state FROM kill_switch_states k JOIN accounts a ON a.id = k.account_id ORDER BY a.name`);
    expect(states).toEqual([{ name: "Second", state: "ACTIVE" }, { name: "Shadow", state: "HALTED" }]);
  });

  it("/resume @account goes straight to that account; an active or unknown one is answered and nothing starts", async () => {
    const t = bot();
    await db.dataSource.query(`INSERT INTO accounts (name, mode, broker, phase, starting_capital, cash, phase_start_equity) VALUES ('Second', 'shadow', 'paper', 'shadow', 1000, 1000, 1000)`);
    await db.dataSource.query(`INSERT INTO kill_switch_states (account_id, state) SELECT id, 'ACTIVE' FROM accounts WHERE name = 'Second'`);
    await t.send(ADMIN, "/resume @second");
    expect(t.telegram.lastText(ADMIN)).toBe("Second is ACTIVE: nothing to resume.");
    await t.send(ADMIN, "/resume @nosuch");
    expect(t.telegram.lastText(ADMIN)).toBe(`❌ No account "nosuch". Accounts: Shadow, Second.`);
    await t.send(ADMIN, "/resume now please");
    expect(t.telegram.lastText(ADMIN)).toBe("usage: /resume [@account]");
    await halt(t);
    // Both halted: the named one is briefed without "Which account?".
    await t.send(ADMIN, "/resume @Second");
    expect(t.telegram.texts(ADMIN).some((m) => m === "Which account?")).toBe(false);
    expect(t.telegram.texts(ADMIN).at(-2)).toMatch(/^🚨 <b>Second<\/b> is HALTED/);
    await t.press(ADMIN, "rs:go:yes");
    await sendAs(t, code);
    expect(t.telegram.lastText(ADMIN)).toBe("🟢 <b>Trading resumed on Second</b>");
    const states = await db.dataSource.query(`SELECT a.name, k.state FROM kill_switch_states k JOIN accounts a ON a.id = k.account_id ORDER BY a.name`);
    expect(states).toEqual([{ name: "Second", state: "ACTIVE" }, { name: "Shadow", state: "HALTED" }]);
  });
});

describe("/resume across a restart", () => {
  it("a new bot process takes the code of a dialogue the old one started, and resumes exactly once", async () => {
    const a = bot();
    await halt(a);
    await upToTheCode(a);
    const sentByA = a.telegram.calls.length;

    const b = bot();
    const update = b.textUpdate(ADMIN, code);
    await b.bot.handleUpdate(update);
    // Telegram delivers the same update again, this time to the old process: it is dropped.
    await a.bot.handleUpdate(update);

    expect(b.telegram.calls.map((c) => c.method)).toEqual(["deleteMessage", "sendMessage"]);
    expect(b.telegram.sent("deleteMessage")[0]!.payload).toEqual({ chat_id: ADMIN, message_id: update.message!.message_id });
    expect(b.telegram.lastText(ADMIN)).toBe("🟢 <b>Trading resumed on Shadow</b>");
    expect(a.telegram.calls.length).toBe(sentByA);
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "ACTIVE", actor: `tg:${ADMIN}` }]);
    expect((await killSwitchEvents(db.dataSource)).filter((e) => e.event === "resumed")).toHaveLength(1);
    await expectCodeNowhere(a, b);
  });
});
