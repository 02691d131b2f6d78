import { beforeEach, describe, expect, it, vi } from "vitest";
import { createAccount, holdPosition } from "../support/accounts.js";
import { ADMIN, createTestBot, TRADER, TRADER_2, VIEWER } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { price } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";
import { FRESH, freshDesk, killSwitchRows, orders, propose, proposals } from "./fixtures.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let accountId: string;

beforeEach(async () => {
  accountId = await freshDesk(db.dataSource, redis, prefix);
});

const FAILED_INTERNAL = "⚠️ That failed: an internal error (logged). Check /status before trying again.";
const RATE_LIMITED = { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } };

/** Every tag a message part opens, it closes: a split never cuts markup in half. */
function expectBalanced(part: string): void {
  for (const tag of ["b", "i", "code"]) expect(part.split(`<${tag}>`).length, `<${tag}> in ${part.slice(0, 80)}`).toBe(part.split(`</${tag}>`).length);
}

describe("escaping", () => {
  it("an HTML-special /halt reason is stored as typed and escaped in every reply", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(ADMIN, "/halt <b>x</b> & y");
    expect(t.telegram.lastText(ADMIN)).toContain("reason: &lt;b&gt;x&lt;/b&gt; &amp; y");
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "HALTED", reason: "<b>x</b> & y" }]);
    await t.send(VIEWER, "/status");
    expect(t.telegram.lastText(VIEWER)).toContain("why: &lt;b&gt;x&lt;/b&gt; &amp; y (<code>manual</code>)");
    expect(t.telegram.lastText(VIEWER)).not.toContain("<b>x</b>");
  });

  it("an HTML-special account name is escaped in /status, /monitor and /phase", async () => {
    await db.dataSource.query(`UPDATE accounts SET name = '<i>Desk</i> & "Co"' WHERE id = $1`, [accountId]);
    const t = createTestBot(db.dataSource, { redis, prefix });
    for (const command of ["/status", "/monitor", "/phase"]) {
      await t.send(VIEWER, command);
      const text = t.telegram.lastText(VIEWER);
      expect(text).toContain("&lt;i&gt;Desk&lt;/i&gt; &amp; &quot;Co&quot;");
      expect(text).not.toContain("<i>Desk</i>");
      expectBalanced(text);
    }
  });
});

describe("long replies", () => {
  it("a /report of 60 positions is split into parts of at most 4,096 characters, none cutting a tag, nothing lost", async () => {
    const tickers = Array.from({ length: 60 }, (_, i) => `LONGTICK${String(i).padStart(2, "0")}`);
    for (const ticker of tickers) {
      await price(db.dataSource, ticker, "123.45", FRESH);
      await holdPosition(db.dataSource, accountId, ticker, 1234, "120.5");
    }
    await db.dataSource.query(`UPDATE positions SET stop_price = 110`);
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(ADMIN, "/report");
    const parts = t.telegram.texts(ADMIN);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(4096);
      expectBalanced(part);
    }
    const all = parts.join("\n");
    for (const ticker of tickers) expect(all).toContain(`<code>${ticker}</code> 1234 @ 120.50 → 123.45`);
    expect(all).toContain("<b>Positions (60)</b>");
    expect(all).toContain("day 2/90");
    expect(t.telegram.sent("sendMessage", ADMIN).every((c) => c.payload.parse_mode === "HTML")).toBe(true);
  });

  it("a /status of many accounts is split too", async () => {
    for (let i = 0; i < 7; i++) await createAccount(db.dataSource, { name: `Account ${i} with a rather long name, as some desks have them`.slice(0, 64) });
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(VIEWER, "/status");
    const parts = t.telegram.texts(VIEWER);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(4096);
      expectBalanced(part);
    }
    const all = parts.join("\n");
    expect(all.match(/— <b>ACTIVE<\/b>/g)).toHaveLength(8);
    expect(all.match(/<code>daily_trade_limit<\/code>/g)).toHaveLength(8);
  });

  it("a /halt of 60 accounts is answered in parts of at most 4,096 characters", async () => {
    for (let i = 0; i < 59; i++) await createAccount(db.dataSource, { name: `Account ${String(i).padStart(2, "0")} with a long name, as some desks have them `.padEnd(64, "x") });
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(ADMIN, "/halt end of the world");
    const parts = t.telegram.texts(ADMIN);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096);
    expect(parts.join("\n").match(/: HALTED/g)).toHaveLength(60);
    expect(parts.some((p) => p.includes("That failed"))).toBe(false);
    expect((await killSwitchRows(db.dataSource)).every((r) => r.state === "HALTED")).toBe(true);
  });
});

describe("failures", () => {
  it("a use case that throws tells the operator 'That failed', without the error's text; the next update works", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const accounts = vi.spyOn(t.deps.reader, "accounts").mockRejectedValue(new Error("connection reset: secret-host:5432"));
    for (const command of ["/status", "/monitor", "/report", "/phase", "/execute BUY NKE 10"]) {
      await t.send(TRADER, command);
      expect(t.telegram.lastText(TRADER)).toBe(FAILED_INTERNAL);
    }
    expect(JSON.stringify(t.telegram.calls)).not.toContain("secret-host");
    expect(await proposals(db.dataSource)).toEqual([]);
    accounts.mockRestore();
    await t.send(TRADER, "/status");
    expect(t.telegram.lastText(TRADER)).toContain("<b>Shadow</b> — <b>ACTIVE</b>");
  });

  it("a press whose use case throws is answered with a 'That failed' alert, and decides nothing", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const p = await propose(t, db.dataSource, TRADER);
    const decide = vi.spyOn(t.deps.approvals.proposals, "decide").mockRejectedValue(new Error("deadlock detected"));
    await t.press(TRADER_2, `ap:${p.id}:a`);
    expect(t.telegram.sent("answerCallbackQuery").at(-1)!.payload).toEqual({ callback_query_id: expect.any(String), text: FAILED_INTERNAL, show_alert: true });
    decide.mockRestore();
    expect((await proposals(db.dataSource))[0]!.status).toBe("pending");
    expect(await orders(db.dataSource)).toEqual([]);
  });

  it("a failure inside a dialogue ends it with 'That failed' and leaves no dialogue behind", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/execute");
    await t.press(TRADER, "ex:BUY");
    await t.send(TRADER, "NKE");
    vi.spyOn(t.deps.approvals, "accountMode").mockRejectedValue(new Error("boom"));
    await t.send(TRADER, "10");
    expect(t.telegram.lastText(TRADER)).toBe(FAILED_INTERNAL);
    expect(await redis.keys(`${prefix}conv:*`)).toEqual([]);
    expect(await proposals(db.dataSource)).toEqual([]);
  });

  it("Telegram refusing a reply (400) is reported with Telegram's reason; what the command did stands", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    t.telegram.failNext("sendMessage", { error_code: 400, description: "Bad Request: can't parse entities" });
    await t.send(ADMIN, "/halt drill");
    const sent = t.telegram.sent("sendMessage", ADMIN);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.payload.text).toContain("🚨 <b>Trading halted</b>");
    expect(sent[1]!.payload.text).toBe("⚠️ That failed: Telegram refused a message (Bad Request: can't parse entities). Check /status before trying again.");
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "HALTED", reason: "drill" }]);
  });

  it("a 429 on a reply is waited out and retried: the message is delivered", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    t.telegram.failNext("sendMessage", RATE_LIMITED);
    await t.send(VIEWER, "/status");
    const sent = t.telegram.sent("sendMessage", VIEWER);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.payload).toEqual(sent[1]!.payload);
    expect(t.telegram.lastText(VIEWER)).toContain("<b>Shadow</b> — <b>ACTIVE</b>");
    expect(t.telegram.texts(VIEWER).some((x) => x.includes("That failed"))).toBe(false);
  });

  it("a 429 while posting a proposal is retried: every trader gets a copy", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    t.telegram.failNext("sendMessage", RATE_LIMITED);
    const p = await propose(t, db.dataSource, TRADER);
    expect(t.telegram.sent("sendMessage")).toHaveLength(4);
    expect(p.messages.map((m) => m.chatId).sort()).toEqual([ADMIN, TRADER, TRADER_2]);
  });

  it("a 429 inside a dialogue is retried too, and the dialogue goes on", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    t.telegram.failNext("sendMessage", RATE_LIMITED);
    await t.send(TRADER, "/execute");
    expect(t.telegram.texts(TRADER)).toEqual(["New order on 📄 paper · Shadow. Buy or sell? (/cancel to stop)", "New order on 📄 paper · Shadow. Buy or sell? (/cancel to stop)"]);
    await t.press(TRADER, "ex:SELL");
    expect(t.telegram.lastText(TRADER)).toBe("SELL: which ticker? (e.g. NKE)");
  });
});

describe("re-delivery", () => {
  it("the same press delivered twice decides once and is answered once", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const p = await propose(t, db.dataSource, TRADER);
    const press = t.pressUpdate(TRADER_2, `ap:${p.id}:a`);
    await t.bot.handleUpdate(press);
    await t.bot.handleUpdate(press);
    expect(t.telegram.sent("answerCallbackQuery")).toHaveLength(1);
    expect(await orders(db.dataSource)).toHaveLength(1);
  });

  it("the same /execute delivered twice, even to two bot processes, makes one proposal", async () => {
    const a = createTestBot(db.dataSource, { redis, prefix });
    const b = createTestBot(db.dataSource, { redis, prefix });
    const update = a.textUpdate(TRADER, "/execute BUY NKE 10");
    await Promise.all([a.bot.handleUpdate(update), b.bot.handleUpdate(update)]);
    expect(await proposals(db.dataSource)).toHaveLength(1);
    expect(a.telegram.calls.length + b.telegram.calls.length).toBe(3);
  });
});
