import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { BotDeps } from "../../src/adapters/telegram/context.js";
import { createBot } from "../../src/adapters/telegram/create-bot.js";
import { LEDGER_DOWN_REFUSAL } from "../../src/adapters/telegram/middlewares/dedupe.js";
import { NoticeSpacer, UserRateLimiter } from "../../src/adapters/telegram/middlewares/rate-limit.js";
import { createAccount } from "../support/accounts.js";
import { ADMIN, BOT_INFO, createTestBot, STRANGER, TEST_BOT_TOKEN, TRADER, VIEWER, type TestBot } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { freshDesk, killSwitchRows, orders, propose, proposals } from "./fixtures.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();

beforeEach(async () => {
  await freshDesk(db.dataSource, redis, prefix);
});

/** A Redis client pointed at a port nobody listens on: every command fails, as when Redis is down. */
const downRedis = new Redis("redis://127.0.0.1:1", { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 20 });
downRedis.on("error", () => undefined);
afterAll(() => downRedis.disconnect());

/** Log lines the bot wrote, parsed. */
function capturingLog() {
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

/** The test bot's wiring with some deps replaced (limits on a fake clock, a capturing log). */
function rebuilt(t: TestBot, extra: Partial<BotDeps>) {
  const bot = createBot({ ...t.deps, ...extra }, { token: TEST_BOT_TOKEN, apiRoot: "https://api.telegram.org", fetch: t.telegram.fetch, throttle: false, botInfo: BOT_INFO });
  return {
    send: (from: number, text: string) => bot.handleUpdate(t.textUpdate(from, text)),
    press: (from: number, data: string) => bot.handleUpdate(t.pressUpdate(from, data)),
    bot,
  };
}

describe("with Redis unreachable", () => {
  it("/halt still halts (PostgreSQL alone), read-only commands answer, and state-changing ones are refused clearly", async () => {
    const t = createTestBot(db.dataSource, { redis: downRedis, prefix });
    await t.send(VIEWER, "/halt feed\u0000glitch");
    expect(t.telegram.lastText(VIEWER)).toContain("🚨 <b>Trading halted</b>\nreason: feedglitch\n• Shadow: HALTED");
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "HALTED", reason: "feedglitch", actor: `tg:${VIEWER}` }]);

    await t.send(TRADER, "/status");
    expect(t.telegram.lastText(TRADER)).toContain("HALTED");
    for (const text of ["/execute BUY NKE 1", "/resume", "/phase promote", "hello"]) {
      await t.send(ADMIN, text);
      expect(t.telegram.lastText(ADMIN)).toBe(LEDGER_DOWN_REFUSAL);
    }
    await t.press(TRADER, "ap:00000000-0000-4000-8000-000000000000:a");
    expect(t.telegram.callbackAnswers().at(-1)).toBe("Not done: the desk cannot check for repeated presses right now (Redis unreachable). /halt still works.");
    expect(t.telegram.texts(ADMIN).join("\n")).not.toContain("That failed");
    expect(await orders(db.dataSource)).toEqual([]);
  });
});

describe("button data", () => {
  it("a press shaped like a proposal's but not a UUID is answered 'not valid any more', logs no error and changes nothing", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await propose(t, db.dataSource, TRADER);
    const { log, lines } = capturingLog();
    const b = rebuilt(t, { log });
    for (const data of ["ap:------------------------------------:a", "ap:zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz:d", "ap:0000000000000000000000000000000000-0:a"]) {
      await b.press(TRADER, data);
      expect(t.telegram.sent("answerCallbackQuery").at(-1)!.payload).toMatchObject({ text: "This button is not valid any more.", show_alert: true });
    }
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect((await proposals(db.dataSource)).map((p) => p.status)).toEqual(["pending"]);
  });
});

describe("replies that fit", () => {
  it("a refusal echoing a 4,000-character argument stays within Telegram's limit and is cut on a character boundary", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, `/execute BUY ${"👍".repeat(2000)} 10`);
    await t.send(TRADER, `/close ${"A".repeat(4000)}`);
    await t.send(TRADER, `/warroom ${"B".repeat(4000)} x`);
    const texts = t.telegram.texts(TRADER);
    expect(texts).toHaveLength(3);
    for (const text of texts) {
      expect(text.length).toBeLessThanOrEqual(300);
      expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
      expect(text).not.toContain("That failed");
    }
    expect(texts[0]).toContain("👍👍");
  });

  it("a message over 4,096 UTF-16 units is sent as several, each within the limit, buttons under the last", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const line = `${"x".repeat(99)}\n`;
    await t.bot.api.sendMessage(ADMIN, line.repeat(100), { reply_markup: { inline_keyboard: [[{ text: "ok", callback_data: "ok" }]] } });
    await t.bot.api.sendMessage(ADMIN, "😀".repeat(5000));
    const sent = t.telegram.sent("sendMessage", ADMIN);
    expect(sent.map((c) => String(c.payload.text).length).every((n) => n <= 4096)).toBe(true);
    expect(sent.slice(0, 3).map((c) => c.payload.reply_markup !== undefined)).toEqual([false, false, true]);
    expect(sent.slice(0, 3).map((c) => c.payload.text).join("\n")).toBe(line.repeat(100));
    expect(sent.slice(3).map((c) => c.payload.text).join("")).toBe("😀".repeat(5000));
  });
});

describe("per-user rate limits (in memory, no Redis)", () => {
  it("30 /halt from one viewer all halt, but only the first alerts; other commands are limited to 20 a minute with one notice", async () => {
    await createAccount(db.dataSource, { name: "Second" });
    const t = createTestBot(db.dataSource, { redis, prefix });
    let now = 0;
    const b = rebuilt(t, { limits: { perUser: new UserRateLimiter({ perMinute: 20, now: () => now }) } });
    for (let i = 0; i < 30; i++) await b.send(VIEWER, `/halt burst ${i}`);
    expect(t.telegram.texts(VIEWER).filter((x) => x.startsWith("🚨 <b>Trading halted</b>"))).toHaveLength(30);
    expect(t.notifier.alerts.map((a) => a.title)).toEqual(["HALTED Shadow", "HALTED Second"]);
    expect((await killSwitchRows(db.dataSource)).map((r) => r.state)).toEqual(["HALTED", "HALTED"]);

    t.telegram.clear();
    for (let i = 0; i < 25; i++) await b.send(TRADER, "/help");
    const texts = t.telegram.texts(TRADER);
    expect(texts).toHaveLength(21);
    expect(texts.at(-1)).toBe("Slow down: too many messages in a minute, the rest are ignored for now. /halt always works.");
    // Another user has a bucket of their own; the limited one can still halt.
    await b.send(ADMIN, "/help");
    expect(t.telegram.texts(ADMIN)).toHaveLength(1);
    await b.send(TRADER, "/halt still allowed");
    expect(t.telegram.lastText(TRADER)).toContain("Trading halted");

    now += 60_000;
    await b.send(TRADER, "/help");
    expect(t.telegram.texts(TRADER)).toHaveLength(23);
    expect(t.telegram.lastText(TRADER)).not.toContain("Slow down");
  });

  it("a stranger is told 'Access denied' at most once an hour, then ignored", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    let now = 0;
    const { log, lines } = capturingLog();
    const b = rebuilt(t, { log, limits: { strangerNotices: new NoticeSpacer(60 * 60_000, () => now) } });
    for (let i = 0; i < 10; i++) await b.send(STRANGER, i % 2 ? "hello" : "/halt");
    await b.press(STRANGER, "ap:00000000-0000-4000-8000-000000000000:a");
    expect(t.telegram.calls.map((c) => c.method)).toEqual(["sendMessage"]);
    expect(t.telegram.lastText(STRANGER)).toMatch(/^Access denied/);
    expect(lines.filter((l) => l.msg.includes("stranger")).every((l) => l.level === 20)).toBe(true);

    now += 60 * 60_000 - 1;
    await b.send(STRANGER, "hello");
    expect(t.telegram.calls).toHaveLength(1);
    now += 1;
    await b.send(STRANGER, "hello");
    expect(t.telegram.texts(STRANGER)).toHaveLength(2);
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "ACTIVE" }]);
  });
});
