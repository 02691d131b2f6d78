import { beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.js";
import { ADMIN, createTestBot, TRADER, TRADER_2, STRANGER, type TestBot } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { MARKET_OPEN, price } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let t: TestBot;
let accountId: string;

beforeAll(async () => {
  accountId = await createAccount(db.dataSource, { name: "Shadow", cash: "100000" });
  await price(db.dataSource, "NKE", "100", new Date(MARKET_OPEN.getTime() - 30_000));
  t = createTestBot(db.dataSource, { redis, prefix, slippageBps: 0 });
});

describe("bot smoke", () => {
  it("status, execute, approve", async () => {
    await t.send(ADMIN, "/status");
    expect(t.telegram.lastText(ADMIN)).toContain("Shadow");
    await t.send(TRADER, "/execute BUY NKE 10");
    const posted = t.telegram.sent("sendMessage", TRADER_2).at(-1)!;
    expect(String(posted.payload.text)).toContain("BUY 10 NKE");
    const data = (posted.payload.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard[0]![0]!.callback_data;
    await t.press(TRADER_2, data);
    expect(t.telegram.callbackAnswers().at(-1)).toMatch(/filled BUY 10 NKE @ 100.00/);
    await t.send(STRANGER, "/status");
    expect(t.telegram.lastText(STRANGER)).toMatch(/Access denied/);
    await t.send(ADMIN, "/monitor");
    expect(t.telegram.lastText(ADMIN)).toContain("NKE");
    void accountId;
  });
});
