import { run, sequentialize, type RunnerHandle } from "@grammyjs/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { hashOverrideCode, OverrideCodeVerifier } from "../../src/adapters/security/override-code.js";
import { recordPriceBatch } from "../../src/app/prices/record-price-batch.js";
import { startBotApiEmulator } from "../../src/local/bot-api/index.js";
import type { BotApiEmulator, EmulatedMessage, EmulatorUser } from "../../src/local/bot-api/index.js";
import { createAccount } from "../support/accounts.js";
import { ADMIN, createTestBot, TEST_BOT_TOKEN, TRADER, type TestBot } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { flatBar, MARKET_OPEN, price } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";

/**
 * The real bot, polling over HTTP (grammY runner, per-chat sequentialize) against the Bot API
 * emulator, on real PostgreSQL and Redis: the desk's main path from an operator's point of view.
 */
const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
const CODE = "correct-horse-battery";
const admin: EmulatorUser = { id: ADMIN, first_name: "Ada" };
const trader: EmulatorUser = { id: TRADER, first_name: "Tom" };
let emulator: BotApiEmulator;
let t: TestBot;
let runner: RunnerHandle;
let accountId: string;

beforeAll(async () => {
  accountId = await createAccount(db.dataSource, { name: "Shadow", cash: "10000" });
  await price(db.dataSource, "NKE", "100", new Date(MARKET_OPEN.getTime() - 30_000));
  emulator = await startBotApiEmulator({ token: TEST_BOT_TOKEN });
  for (const u of [admin, trader]) emulator.user.registerUser(u);
  t = createTestBot(db.dataSource, { redis, prefix, slippageBps: 0, apiRoot: emulator.apiRoot,
    overrideCode: new OverrideCodeVerifier(await hashOverrideCode(CODE)),
    // As in production: one chat's updates one after the other, other chats concurrently.
    before: sequentialize((ctx) => ctx.chat?.id.toString()),
  });
  runner = run(t.bot, { runner: { fetch: { timeout: 1 } } });
});

afterAll(async () => {
  if (runner?.isRunning()) await runner.stop();
  await emulator?.close();
});

const withButton = (data: RegExp) => (m: EmulatedMessage) => m.buttons.flat().some((b) => data.test(b.callbackData ?? ""));
const buttonData = (m: EmulatedMessage, data: RegExp) => m.buttons.flat().find((b) => data.test(b.callbackData ?? ""))!.callbackData!;
const text = (m: EmulatedMessage) => m.plainText ?? "";

/** Sends a command and waits for the first bot message after it that matches. */
async function ask(user: EmulatorUser, command: string, match: (m: EmulatedMessage) => boolean): Promise<EmulatedMessage> {
  const after = emulator.user.messages(user.id).at(-1)?.messageId ?? 0;
  await emulator.user.sendText(user, command);
  return emulator.user.waitForBotMessage(user.id, (m) => m.messageId > after && match(m), { timeoutMs: 10_000 });
}

async function pressAndWait(user: EmulatorUser, m: EmulatedMessage, data: RegExp) {
  return emulator.user.press(user, user.id, m.messageId, buttonData(m, data), { timeoutMs: 10_000 });
}

describe("the bot over HTTP against the Bot API emulator", () => {
  it("status -> execute -> approve -> monitor -> halt alert -> resume refused, then resumed", async () => {
    const status = await ask(admin, "/status", (m) => text(m).includes("Shadow"));
    expect(text(status)).toMatch(/Shadow — ACTIVE/);

    // The trader proposes; the admin's copy carries the buttons.
    await emulator.user.sendText(trader, "/execute BUY NKE 25");
    const proposal = await emulator.user.waitForBotMessage(ADMIN, withButton(/^ap:.*:a$/), { timeoutMs: 10_000 });
    expect(text(proposal)).toContain("BUY 25 NKE");
    const answer = await pressAndWait(admin, proposal, /^ap:.*:a$/);
    expect(answer?.text).toMatch(/filled BUY 25 NKE @ 100\.00/);
    const settled = await emulator.user.waitForBotMessage(TRADER, (m) => m.messageId > 0 && /approved and executed/.test(text(m)), { timeoutMs: 10_000 });
    expect(settled.buttons).toEqual([]);

    const monitor = await ask(admin, "/monitor", (m) => text(m).includes("monitor"));
    // The average includes the $1 commission; the stop sits 5% under the fill.
    expect(text(monitor)).toMatch(/NKE 25 @ 100\.04 → 100\.00 · -\$1\.00 \(-0\.04%\)\n {3}stop 95\.04 \(4\.96% away\) 🟢 Safe/);

    // A crash: 25 NKE from 100 to 70 loses $750 of $10,000, past the 5% daily loss.
    await recordPriceBatch({ prices: new PriceRepository(db.dataSource), killSwitch: t.deps.killSwitch }, [flatBar("NKE", "70", new Date(MARKET_OPEN.getTime() - 10_000))]);
    const alert = await emulator.user.waitForBotMessage(ADMIN, (m) => /HALTED Shadow: daily_loss/.test(text(m)), { timeoutMs: 10_000 });
    expect(text(alert)).toMatch(/daily_loss: -7\.5/);
    await emulator.user.waitForBotMessage(TRADER, (m) => /HALTED Shadow/.test(text(m)), { timeoutMs: 10_000 });

    // A wrong code is refused and the account stays halted.
    await resumeDialogue("not-the-code", /Wrong code: 2 attempt\(s\) left/);
    expect(await state()).toBe("HALTED");

    // The right code, after acknowledging the daily loss that still holds, resumes trading.
    await resumeDialogue(CODE, /Trading resumed on Shadow/);
    expect(await state()).toBe("ACTIVE");
    const codeMessages = emulator.user.messages(ADMIN).filter((m) => !m.fromBot && m.text?.includes("horse"));
    expect(codeMessages).toEqual([]); // deleted once read
  });
});

async function resumeDialogue(code: string, outcome: RegExp): Promise<void> {
  const briefing = await ask(admin, "/resume", (m) => /is HALTED since/.test(text(m)));
  const ack = await emulator.user.waitForBotMessage(ADMIN, (m) => m.messageId > briefing.messageId && withButton(/^rs:ack:yes$/)(m), { timeoutMs: 10_000 });
  await pressAndWait(admin, ack, /^rs:ack:yes$/);
  const confirm = await emulator.user.waitForBotMessage(ADMIN, (m) => m.messageId > ack.messageId && withButton(/^rs:go:yes$/)(m), { timeoutMs: 10_000 });
  await pressAndWait(admin, confirm, /^rs:go:yes$/);
  await emulator.user.waitForBotMessage(ADMIN, (m) => m.messageId > confirm.messageId && /Send the override code/.test(text(m)), { timeoutMs: 10_000 });
  await ask(admin, code, (m) => outcome.test(text(m)));
}

async function state(): Promise<string> {
  const [row] = await db.dataSource.query<{ state: string }[]>(`SELECT state FROM kill_switch_states WHERE account_id = $1`, [accountId]);
  return row!.state;
}
