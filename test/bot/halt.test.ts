import { beforeEach, describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.js";
import { ADMIN, createTestBot, TRADER, TRADER_2, VIEWER } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { auditRows, freshDesk, killSwitchEvents, killSwitchRows, orders, propose, proposals } from "./fixtures.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let accountId: string;

beforeEach(async () => {
  accountId = await freshDesk(db.dataSource, redis, prefix);
});

describe("/halt", () => {
  it("a viewer halts every account at once: HALTED in the database with the reason and the actor, audited, everyone told", async () => {
    const second = await createAccount(db.dataSource, { name: "Second" });
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(VIEWER, "/halt   news: CEO resigned  ");

    expect(t.telegram.lastText(VIEWER)).toBe(
      ["🚨 <b>Trading halted</b>", "reason: news: CEO resigned", "• Shadow: HALTED", "• Second: HALTED", "", "Admins resume with /resume."].join("\n"),
    );
    const states = await killSwitchRows(db.dataSource);
    expect(states).toHaveLength(2);
    for (const s of states) expect(s).toMatchObject({ state: "HALTED", reason: "news: CEO resigned", actor: `tg:${VIEWER}`, trigger: "manual" });
    const events = await killSwitchEvents(db.dataSource);
    expect(events.map((e) => [e.event, e.actor, e.reason])).toEqual([
      ["halted", `tg:${VIEWER}`, "news: CEO resigned"],
      ["halted", `tg:${VIEWER}`, "news: CEO resigned"],
    ]);
    const audit = await auditRows(db.dataSource);
    expect(audit.filter((r) => r.action === "tg.halt")).toEqual([
      { actor: `tg:${VIEWER}`, action: "tg.halt", subject: null, details: { reason: "news: CEO resigned", accounts: [accountId, second] } },
    ]);
    expect(audit.filter((r) => r.action === "kill_switch.halted").map((r) => r.actor)).toEqual([`tg:${VIEWER}`, `tg:${VIEWER}`]);
    expect(t.notifier.alerts.map((a) => [a.kind, a.title])).toEqual([
      ["halted", "HALTED Shadow"],
      ["halted", "HALTED Second"],
    ]);
    expect(t.notifier.alerts[0]!.lines).toEqual(["trigger: manual", "reason: news: CEO resigned", `by: tg:${VIEWER}`]);

    // /status agrees, and nothing adding exposure gets through.
    await t.send(TRADER, "/status");
    expect(t.telegram.lastText(TRADER)).toContain("🚨 <b>Shadow</b> — <b>HALTED</b>");
    expect(t.telegram.lastText(TRADER)).toContain(`why: news: CEO resigned (<code>manual</code>) · by tg:${VIEWER}`);
    // Two accounts: each named in turn (without a name the bot would ask which).
    for (const name of ["Shadow", "Second"]) {
      await t.send(TRADER, `/execute BUY NKE 1 @${name}`);
      expect(t.telegram.lastText(TRADER)).toContain("trading is halted");
    }
    expect(await proposals(db.dataSource)).toEqual([]);
    expect(await orders(db.dataSource)).toEqual([]);
  });

  it("without a reason records a manual halt from Telegram", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER_2, "/halt");
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "HALTED", reason: "manual halt from Telegram", actor: `tg:${TRADER_2}` }]);
    expect(t.telegram.lastText(TRADER_2)).toContain("reason: manual halt from Telegram");
  });

  it("a second /halt says the account was already halted and keeps the first reason", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(ADMIN, "/halt first");
    await t.send(TRADER, "/halt second");
    expect(t.telegram.lastText(TRADER)).toContain("• Shadow: was already halted");
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "HALTED", reason: "first", actor: `tg:${ADMIN}` }]);
    expect((await killSwitchEvents(db.dataSource)).map((e) => [e.event, e.reason])).toEqual([
      ["halted", "first"],
      ["trigger_fired", "second"],
    ]);
    expect((await auditRows(db.dataSource)).filter((r) => r.action === "tg.halt").map((r) => r.actor)).toEqual([`tg:${ADMIN}`, `tg:${TRADER}`]);
  });

  it("cancels what waits for approval", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await propose(t, db.dataSource, TRADER);
    await t.send(ADMIN, "/halt risk off");
    expect(await proposals(db.dataSource)).toMatchObject([{ status: "cancelled", decided_by: "system" }]);
    await t.send(TRADER, "/approvals");
    expect(t.telegram.lastText(TRADER)).toBe("No proposal is waiting for approval.");
  });

  it("stores a long reason cut at 500 characters, marked as cut, never inside a character", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(ADMIN, `/halt ${"r".repeat(498)}👍🏽👍🏽👍🏽 and more`);
    expect((await killSwitchRows(db.dataSource))[0]!.reason).toBe(`${"r".repeat(498)}👍🏽…`);
    await freshDesk(db.dataSource, redis, prefix);
    await t.send(ADMIN, `/halt ${"r".repeat(3_000)}`);
    const [state] = await killSwitchRows(db.dataSource);
    expect(state!.reason).toBe(`${"r".repeat(499)}…`);
    t.telegram.clear();
    await t.send(ADMIN, `/halt ${"r".repeat(3_000)}`);
    const sent = t.telegram.sent("sendMessage", ADMIN);
    expect(sent).toHaveLength(1);
    expect(String(sent[0]!.payload.text).length).toBeLessThanOrEqual(4096);
  });

  it("the same /halt delivered twice acts once", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const update = t.textUpdate(ADMIN, "/halt twice");
    await t.bot.handleUpdate(update);
    await t.bot.handleUpdate(update);
    expect(t.telegram.sent("sendMessage", ADMIN)).toHaveLength(1);
    expect(await killSwitchEvents(db.dataSource)).toHaveLength(1);
    expect((await auditRows(db.dataSource)).filter((r) => r.action === "tg.halt")).toHaveLength(1);
  });
});
