import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashOverrideCode, OverrideCodeVerifier } from "../../src/adapters/security/override-code.js";
import { createAccount } from "../support/accounts.js";
import { ADMIN, ADMIN_2, createTestBot, TRADER, WITH_SECOND_ADMIN, type TestBot } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { useTestRedis } from "../support/redis.js";
import { seedPassingRecord } from "../support/track-record.js";
import { brokerFor, keyspace, kisEnv, startFake } from "../kis/harness.js";

/**
 * The walk from the bot, against the KIS fake: the shadow record meets the gate, an admin promotes
 * it to live-prep, the checklist turns green one item at a time (/phase alerts, a halt and a
 * resume, /phase check), the promotion to micro waits for the second admin, and the live account
 * exists, HALTED, in micro, with the broker's USD cash.
 */
const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
const CODE = "going-live-code-42";
let fake: KisFake;
let t: TestBot;
let shadow: string;

beforeAll(async () => {
  fake = await startFake();
  fake.setQuote("NYS", "NKE", { last: "63.03", base: "62.50", tvol: "1000" });
  fake.account.setCash("real", "250.00");
  const broker = brokerFor(fake, redis, "real", keyspace(prefix));
  t = createTestBot(db.dataSource, { redis, prefix, overrideCode: new OverrideCodeVerifier(await hashOverrideCode(CODE)), operators: WITH_SECOND_ADMIN, kisBroker: broker, env: kisEnv(fake, "real") });
  shadow = await createAccount(db.dataSource, { name: "shadow", cash: "100000" });
  await seedPassingRecord(db.dataSource, shadow, t.clock.now());
});
afterAll(async () => {
  await fake.close();
});

const phase = async (name: string) => (await db.dataSource.query<{ phase: string }[]>(`SELECT phase FROM accounts WHERE name = $1`, [name]))[0]?.phase;
/** The checklist block of /phase: its header and one line per item (✅/❌). */
async function checklist(): Promise<string[]> {
  await t.send(ADMIN, "/phase");
  const text = t.telegram.lastText(ADMIN);
  return text.slice(text.indexOf("<b>Live-prep checklist")).split("\n").filter((l) => /^(<b>Live-prep|✅|❌)/.test(l)).map((l) => l.replace(/:.*$/, "").replace(/<\/?b>/g, ""));
}
/** Walks a confirmation and the code in the promote dialogue. */
async function confirmWithCode(): Promise<void> {
  await t.press(ADMIN, "ph:go:yes");
  expect(t.telegram.lastText(ADMIN)).toMatch(/^Send the override code/);
  await t.send(ADMIN, CODE);
}

describe("from shadow to a live account, walked from the bot", () => {
  it("promotes the shadow record to live-prep: the checklist shows, all red but approvals", async () => {
    await t.send(ADMIN, "/phase promote");
    expect(t.telegram.lastText(ADMIN)).toBe("Promote shadow from shadow to live-prep?");
    await confirmWithCode();
    expect(t.telegram.lastText(ADMIN)).toMatch(/^✅ shadow promoted: shadow → live-prep; the phase starts now from \$/);
    expect(await checklist()).toEqual([
      "Live-prep checklist",
      "❌ Kill switch tested",
      "✅ Approvals on",
      "❌ Alerts delivered to every admin",
      "❌ Broker check within 24 h",
      "❌ Broker cash and positions reconciled",
    ]);
    const text = t.telegram.lastText(ADMIN);
    expect(text).toContain("Live-prep checklist: 1/5");
    expect(text).toContain("→ send /phase alerts (each admin must have started a chat with the bot)");
    // Refused before any code, with what is missing.
    await t.send(ADMIN, "/phase promote");
    expect(t.telegram.lastText(ADMIN)).toMatch(/^❌ Not promoted: the live-prep checklist is not complete\.\n• Kill switch tested: /);
  });

  it("/phase alerts: records each admin's delivery, a refused one too; a second run reaches both", async () => {
    await t.send(TRADER, "/phase alerts");
    expect(t.telegram.lastText(TRADER)).toBe("/phase alerts needs the admin role; you are a trader.");
    t.telegram.failNext("sendMessage", { error_code: 403, description: "Forbidden: bot was blocked by the user" });
    await t.send(ADMIN, "/phase alerts");
    expect(t.telegram.lastText(ADMIN)).toContain(`✗ tg:${ADMIN}: Forbidden: bot was blocked by the user`);
    expect(t.telegram.lastText(ADMIN)).toContain(`✓ tg:${ADMIN_2}`);
    expect((await checklist())[3]).toBe("❌ Alerts delivered to every admin");
    await t.send(ADMIN, "/phase alerts");
    expect(t.telegram.lastText(ADMIN)).toContain("delivered to every admin ✅");
    expect(t.telegram.texts(ADMIN_2).filter((m) => m.includes("Test alert (live-prep checklist)"))).toHaveLength(2);
    expect((await checklist())[3]).toBe("✅ Alerts delivered to every admin");
  });

  it("a halt and a resume turn the kill-switch item green", async () => {
    await t.send(ADMIN, "/halt checklist drill");
    expect((await checklist())[1]).toBe("❌ Kill switch tested");
    await t.send(ADMIN, "/resume");
    await t.press(ADMIN, "rs:go:yes");
    await t.send(ADMIN, CODE);
    expect(t.telegram.lastText(ADMIN)).toContain("Trading resumed on shadow");
    expect((await checklist())[1]).toBe("✅ Kill switch tested");
  });

  it("/phase check reads the fake (token, quote, positions, cash) and turns the broker items green", async () => {
    await t.send(ADMIN, "/phase check");
    const result = t.telegram.lastText(ADMIN);
    expect(result).toContain("<b>Broker check kis:real: passed ✅</b>");
    expect(result).toContain("✓ token and quote NKE: last 63.03");
    expect(result).toContain("✓ positions: none");
    expect(result).toContain("✓ USD cash (buying power): $250.00");
    expect(result).toContain("✓ reconciled: no position at the broker (no live account yet); USD cash $250.00 covers micro's $100.00");
    expect(fake.requests.filter((r) => r.method === "POST" && r.path.includes("/trading/order"))).toEqual([]); // read-only
    expect(await checklist()).toEqual([
      "Live-prep checklist",
      "✅ Kill switch tested",
      "✅ Approvals on",
      "✅ Alerts delivered to every admin",
      "✅ Broker check within 24 h",
      "✅ Broker cash and positions reconciled",
    ]);
    expect(t.telegram.lastText(ADMIN)).toContain("Live-prep checklist: 5/5 ✅ ready for /phase promote");
  });

  it("promotion to micro: a request to the other admin, the requester's press refused, the second admin's approval opens the live account HALTED", async () => {
    await t.send(ADMIN, "/phase promote");
    expect(t.telegram.lastText(ADMIN)).toBe(
      "Promote shadow from live-prep to micro? This phase trades REAL money. This opens the live account live on KIS 5001****-01 with $250.00 (the broker's USD cash), HALTED until an admin arms it; shadow stays in live-prep and keeps paper trading. Another admin must then approve (four eyes).",
    );
    await confirmWithCode();
    expect(t.telegram.lastText(ADMIN)).toBe(`⏳ Requested: another admin must approve. Sent to tg:${ADMIN_2}; it expires at 12:00 ET.`);
    const request = t.telegram.sent("sendMessage", ADMIN_2).at(-1)!;
    expect(String(request.payload.text)).toContain("Promotion request: shadow live-prep → micro");
    const buttons = (request.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard[0]!;
    expect(buttons.map((b) => b.text)).toEqual(["Approve", "Deny"]);
    const approve = buttons[0]!.callback_data;
    expect(approve).toMatch(/^pp:[0-9a-f-]{36}:ok$/);
    expect(await phase("live")).toBeUndefined();

    await t.press(ADMIN, approve);
    expect(t.telegram.callbackAnswers().at(-1)).toBe("Nothing changed: four eyes: another admin must decide the promotion you requested.");
    await t.press(ADMIN_2, approve);
    expect(t.telegram.callbackAnswers().at(-1)).toBe("Approved: live account live opened (HALTED).");
    expect(t.telegram.lastText(ADMIN_2)).toBe(
      "✅ Live account 🔴 LIVE · live opened in micro with $250.00 (the broker's USD cash). It starts HALTED: arm it with /resume @live. shadow stays in live-prep and keeps paper trading.",
    );
    const [live] = await db.dataSource.query(
      `SELECT a.mode, a.broker, a.phase, a.cash::text, a.broker_account, a.opened_from, k.state FROM accounts a JOIN kill_switch_states k ON k.account_id = a.id WHERE a.name = 'live'`,
    );
    expect(live).toEqual({ mode: "live", broker: "kis", phase: "micro", cash: "250.00", broker_account: "5001****-01", opened_from: shadow, state: "HALTED" });
    expect(await phase("shadow")).toBe("live-prep");
    const opened = t.notifier.alerts.find((a) => a.title === "Live account live opened (micro)");
    expect(opened?.lines.at(-1)).toBe("It is HALTED: arm it with /resume @live. shadow stays in live-prep and keeps paper trading.");

    // The first decision won: another press is told so.
    await t.press(ADMIN_2, buttons[1]!.callback_data);
    expect(t.telegram.callbackAnswers().at(-1)).toBe(`Nothing changed: already approved by tg:${ADMIN_2}.`);
    const audit = await db.dataSource.query<{ action: string }[]>(`SELECT action FROM audit_log WHERE action LIKE 'tg.promotion.%' OR action LIKE 'promotion.%' ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual(["promotion.requested", "tg.promotion.approve", "promotion.approved", "tg.promotion.approve", "tg.promotion.deny"]);
  });
});
