import Fastify from "fastify";
import { beforeAll, describe, expect, it } from "vitest";
import { mountTelegramWebhook, TELEGRAM_WEBHOOK_PATH } from "../../src/adapters/http/telegram-webhook.js";
import { createAccount } from "../support/accounts.js";
import { ADMIN, createTestBot, type TestBot } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
const SECRET = "webhook-secret-0123456789";
let t: TestBot;

beforeAll(async () => {
  await createAccount(db.dataSource, { name: "Hooked" });
  t = createTestBot(db.dataSource, { redis, prefix });
});

async function post(headers: Record<string, string>) {
  const app = Fastify();
  mountTelegramWebhook(app, t.bot, SECRET);
  try {
    return await app.inject({ method: "POST", url: TELEGRAM_WEBHOOK_PATH, headers: { "content-type": "application/json", ...headers }, payload: JSON.stringify(t.textUpdate(ADMIN, "/status")) });
  } finally {
    await app.close();
  }
}

describe("webhook mode", () => {
  it("refuses an update without Telegram's secret token, or with a wrong one, and runs nothing", async () => {
    expect((await post({})).statusCode).toBe(401);
    expect((await post({ "x-telegram-bot-api-secret-token": "guess" })).statusCode).toBe(401);
    expect(t.telegram.sent("sendMessage")).toEqual([]);
  });

  it("handles an update that carries the secret token", async () => {
    expect((await post({ "x-telegram-bot-api-secret-token": SECRET })).statusCode).toBe(200);
    expect(t.telegram.lastText(ADMIN)).toContain("Hooked");
  });
});
