import { beforeAll, describe, expect, it } from "vitest";
import { hashOverrideCode, OverrideCodeVerifier } from "../../src/adapters/security/override-code.js";
import { createAccount } from "../support/accounts.js";
import { ADMIN, createTestBot, TRADER, type TestBot } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
const CODE = "promote-me-please";
let t: TestBot;
let accountId: string;
let liveId: string;

beforeAll(async () => {
  accountId = await createAccount(db.dataSource, { name: "Ladder", cash: "50000" });
  // Four eyes off and a passing tracking gate: this file is about the dialogue (four eyes: going-live.test.ts).
  t = createTestBot(db.dataSource, { redis, prefix, overrideCode: new OverrideCodeVerifier(await hashOverrideCode(CODE)), env: { PROMOTION_FOUR_EYES: "false" } });
  // The tracking-error gate is measured from mirrored fills (going-live.test.ts, mirror-repository.test.ts); this file is about the dialogue.
  t.deps.phases.live!.trackingGate = () => Promise.resolve({ passed: true, failures: [] });
});

const phase = async (id = accountId) => (await db.dataSource.query<{ phase: string }[]>(`SELECT phase FROM accounts WHERE id = $1`, [id]))[0]!.phase;

describe("/phase promote and demote", () => {
  it("refuses a trader, and refuses promotion out of shadow while the gate has not passed", async () => {
    await t.send(TRADER, "/phase promote");
    expect(t.telegram.lastText(TRADER)).toBe("/phase promote needs the admin role; you are a trader.");
    await t.send(ADMIN, "/phase promote");
    expect(t.telegram.lastText(ADMIN)).toMatch(/^Not promoted: the promotion gate has not passed \(days of record \d+ \(target >= 90\); closed trades 0 \(target >= 30\)/);
    await t.send(ADMIN, "/phase demote");
    expect(t.telegram.lastText(ADMIN)).toBe("❌ No account can be demoted.");
    expect(await phase()).toBe("shadow");
  });

  it("asks which account when more than one could be promoted; promotes the live account micro → small after confirmation and the right code, and deletes the code's message", async () => {
    liveId = await createAccount(db.dataSource, { name: "Ladder-live", cash: "50000", live: { phase: "micro" } });
    await t.send(ADMIN, "/phase promote");
    expect(t.telegram.lastText(ADMIN)).toContain("Which account should /phase promote go to?");
    const question = t.telegram.sent("sendMessage", ADMIN).at(-1)!;
    const buttons = (question.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat();
    expect(buttons.map((b) => b.text)).toEqual(["📄 Ladder (paper, phase shadow)", "🔴 Ladder-live (LIVE, phase micro)", "Cancel"]);
    await t.press(ADMIN, buttons[1]!.callback_data);
    expect(t.telegram.lastText(ADMIN)).toBe("Promote Ladder-live from micro to small? This phase trades REAL money. small's limits bind Ladder-live from then on.");
    await t.press(ADMIN, "ph:go:yes");
    expect(t.telegram.lastText(ADMIN)).toMatch(/^Send the override code/);
    const codeUpdate = t.textUpdate(ADMIN, CODE);
    await t.bot.handleUpdate(codeUpdate);
    expect(t.telegram.sent("deleteMessage", ADMIN).map((c) => c.payload.message_id)).toContain(codeUpdate.message!.message_id);
    expect(t.telegram.lastText(ADMIN)).toBe("✅ Ladder-live promoted: micro → small; the phase starts now from $50,000.00.");
    expect(await phase(liveId)).toBe("small");
    const audit = await db.dataSource.query<{ action: string; details: Record<string, unknown> }[]>(`SELECT action, details FROM audit_log WHERE actor = $1 AND action = 'tg.phase.promote'`, [`tg:${ADMIN}`]);
    expect(audit).toEqual([{ action: "tg.phase.promote", details: { outcome: "promoted" } }]);
    expect(JSON.stringify(await db.dataSource.query(`SELECT details FROM audit_log`))).not.toContain(CODE);
  });

  it("a wrong code changes nothing; demote takes one rung down without a code", async () => {
    await t.send(ADMIN, "/phase demote @Ladder-live");
    expect(t.telegram.lastText(ADMIN)).toContain("Ladder-live demoted: small → micro");
    await t.send(ADMIN, "/phase promote @ladder-live");
    await t.press(ADMIN, "ph:go:yes");
    await t.send(ADMIN, "wrong-code-123");
    expect(t.telegram.lastText(ADMIN)).toBe("❌ Not changed: wrong override code (2 attempt(s) left before a lockout).");
    expect(await phase(liveId)).toBe("micro");
  });

  it("while override codes are locked (desk-wide, e.g. by wrong resume codes), /phase promote does not ask for the code", async () => {
    await db.dataSource.query(`UPDATE override_code_guard SET attempts = 3, locked_until = $1`, [new Date(t.clock.now().getTime() + 15 * 60_000)]);
    try {
      await t.send(ADMIN, "/phase promote @Ladder-live");
      await t.press(ADMIN, "ph:go:yes");
      expect(t.telegram.lastText(ADMIN)).toBe("🔒 Override codes are locked after too many wrong codes until 2026-11-24 11:15 ET: the phase is unchanged.");
      await t.send(ADMIN, CODE);
      expect(t.telegram.lastText(ADMIN)).toBe("I only understand commands. /help lists them.");
      expect(await phase(liveId)).toBe("micro");
    } finally {
      await db.dataSource.query(`UPDATE override_code_guard SET attempts = 0, locked_until = NULL`);
    }
  });
});
