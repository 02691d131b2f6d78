import { beforeEach, describe, expect, it } from "vitest";
import { createAccount, holdPosition } from "../support/accounts.js";
import { createTestBot, TRADER, TRADER_2, type TestBot } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { price } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";
import { buttons, FRESH, freshDesk, orders, proposalCopies } from "./fixtures.js";

/**
 * Two accounts, a shadow one ("Shadow") and a live one in micro ("live"): every trading command
 * that could mean either asks, with one button per account, and never guesses.
 */

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let shadowId: string;
let liveId: string;

beforeEach(async () => {
  shadowId = await freshDesk(db.dataSource, redis, prefix);
  liveId = await createAccount(db.dataSource, { name: "live", cash: "1000", live: { phase: "micro" } });
  const keys = await redis.keys(`${prefix}acct-choice*`);
  if (keys.length > 0) await redis.del(...keys);
  // A $10 ticker: one share fits micro's $100.
  await price(db.dataSource, "F", "10", FRESH);
});

const proposalsByAccount = (): Promise<{ account_id: string; side: string; ticker: string; quantity: number; requested_by: string }[]> =>
  db.dataSource.query(`SELECT account_id, side, ticker, quantity, requested_by FROM proposals ORDER BY created_at`);

/** The last "Which account?" question sent to `chat`, and its buttons' data. */
function question(t: TestBot, chat: number): { text: string; data: string[] } {
  const ask = t.telegram.sent("sendMessage", chat).filter((c) => String(c.payload.text).includes("Which account should")).at(-1);
  if (!ask) throw new Error(`no question was asked; the bot said: ${t.telegram.texts(chat).join(" | ")}`);
  return { text: String(ask.payload.text), data: buttons(ask) };
}

const labels = (t: TestBot, chat: number): string[] => {
  const ask = t.telegram.sent("sendMessage", chat).filter((c) => String(c.payload.text).includes("Which account should")).at(-1)!;
  return ((ask.payload.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard.flat()).map((b) => b.text);
};

/** Each command that addresses one account: how to send it, which account it holds, what it proposes. */
const COMMANDS = [
  { name: "/execute", send: "/execute BUY F 1", command: "execute", proposed: { side: "BUY", ticker: "F", quantity: 1 } },
  { name: "/close", send: "/close F", command: "close", proposed: { side: "SELL", ticker: "F", quantity: 1 } },
] as const;

describe.each(COMMANDS)("$name with two accounts", ({ send, command, proposed }) => {
  beforeEach(async () => {
    // Both hold one F, so /close F could mean either.
    await holdPosition(db.dataSource, shadowId, "F", 1, "9");
    await holdPosition(db.dataSource, liveId, "F", 1, "9");
  });

  it("no default: asks with a button per account (name · mode · phase) and Cancel; nothing is ordered", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, send);
    const q = question(t, TRADER);
    expect(q.text.split("\n")[0]).toBe(`Which account should ${send} go to?`);
    expect(q.data).toHaveLength(3);
    expect(q.data[0]).toMatch(new RegExp(`^ac:${command}:[0-9a-f]{12}:0$`));
    expect(q.data.map((d) => d.slice(d.lastIndexOf(":") + 1))).toEqual(["0", "1", "x"]);
    for (const d of q.data) expect(Buffer.byteLength(d)).toBeLessThan(64);
    expect(labels(t, TRADER)).toEqual(["📄 Shadow (paper, phase shadow)", "🔴 live (LIVE, phase micro)", "Cancel"]);
    // Only the asker is asked; nothing is proposed, posted or ordered.
    expect(t.telegram.sent("sendMessage").map((c) => Number(c.payload.chat_id))).toEqual([TRADER]);
    expect(await proposalsByAccount()).toEqual([]);
    expect(await orders(db.dataSource)).toEqual([]);
    // The question waits in Redis for at most 10 minutes.
    const [key] = await redis.keys(`${prefix}acct-choice:*`);
    expect(await redis.ttl(key!)).toBeGreaterThan(590);
    expect(await redis.ttl(key!)).toBeLessThanOrEqual(600);
  });

  it("a press sends it to that account, once: a second press and a re-delivered press change nothing", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, send);
    const { data } = question(t, TRADER);
    const press = t.pressUpdate(TRADER, data[1]!);
    await t.bot.handleUpdate(press);
    expect(await proposalsByAccount()).toEqual([{ account_id: liveId, ...proposed, requested_by: `tg:${TRADER}` }]);
    expect(t.telegram.callbackAnswers().at(-1)).toBe("→ 🔴 LIVE · live");
    // The question now says where it went, without buttons.
    const edit = t.telegram.sent("editMessageText").at(-1)!;
    expect(edit.payload.text).toBe(`${send} → 🔴 LIVE · live`);
    expect(edit.payload.reply_markup).toBeUndefined();
    // The live proposal names the live account, first, for every trader.
    const [p] = await db.dataSource.query(`SELECT id FROM proposals`);
    for (const copy of proposalCopies(t, p.id)) expect(String(copy.payload.text).split("\n")[0]).toBe("<b>🔴 LIVE · live</b> — real money");

    await t.bot.handleUpdate(press);
    await t.press(TRADER, data[1]!);
    await t.press(TRADER, data[0]!);
    expect(t.telegram.callbackAnswers().at(-1)).toBe("Already answered (sent to 🔴 live (LIVE, phase micro)): nothing more was done.");
    expect(await proposalsByAccount()).toHaveLength(1);
    expect(await orders(db.dataSource)).toEqual([]);
  });

  it("another user's press is refused and runs nothing; the asker can still answer", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, send);
    const { data } = question(t, TRADER);
    await t.press(TRADER_2, data[0]!);
    expect(t.telegram.callbackAnswers().at(-1)).toBe("This question is for the operator who sent the command.");
    expect(await proposalsByAccount()).toEqual([]);
    await t.press(TRADER, data[0]!);
    expect(await proposalsByAccount()).toEqual([{ account_id: shadowId, ...proposed, requested_by: `tg:${TRADER}` }]);
  });

  it("Cancel and an expired question run nothing", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, send);
    await t.press(TRADER, question(t, TRADER).data[2]!);
    expect(t.telegram.sent("editMessageText").at(-1)!.payload.text).toBe(`Cancelled: ${send} was not sent.`);
    await t.press(TRADER, question(t, TRADER).data[0]!);
    expect(t.telegram.callbackAnswers().at(-1)).toBe("Already answered (cancelled): nothing more was done.");

    await t.send(TRADER, send);
    const { data } = question(t, TRADER);
    // What the TTL does after 10 minutes: the question is gone.
    await redis.del(`${prefix}acct-choice:${data[0]!.split(":")[2]}`);
    await t.press(TRADER, data[1]!);
    expect(t.telegram.callbackAnswers().at(-1)).toBe("This question expired: nothing was done. Send the command again.");
    expect(await proposalsByAccount()).toEqual([]);
  });

  it("a replay of the original message, answered again, cannot order twice: the key is the message's", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const update = t.textUpdate(TRADER, send);
    await t.bot.handleUpdate(update);
    await t.press(TRADER, question(t, TRADER).data[1]!);
    // Telegram re-sends the same message under a new update id: asked again, answered the same.
    await t.bot.handleUpdate({ ...update, update_id: update.update_id + 1_000 });
    await t.press(TRADER, question(t, TRADER).data[1]!);
    expect(t.telegram.lastText(TRADER)).toMatch(/^ℹ️ Already proposed: [0-9a-f]{8} is pending\.$/);
    expect(await proposalsByAccount()).toHaveLength(1);
  });

  it("@name names the account: no question", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, `${send} @LIVE`);
    expect(await proposalsByAccount()).toEqual([{ account_id: liveId, ...proposed, requested_by: `tg:${TRADER}` }]);
    await t.send(TRADER_2, `${send.replace(" ", " @shadow ")}`);
    expect(await proposalsByAccount()).toMatchObject([{ account_id: liveId }, { account_id: shadowId }]);
    expect(t.telegram.texts(TRADER).concat(t.telegram.texts(TRADER_2)).some((m) => m.includes("Which account"))).toBe(false);
  });

  it("an unknown @name is a clear error listing the accounts, and nothing is written", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, `${send} @paper`);
    expect(t.telegram.lastText(TRADER)).toBe("❌ No account is called “paper”. Accounts: Shadow, live. Nothing was done.");
    await t.send(TRADER, `${send} @live @Shadow`);
    expect(t.telegram.lastText(TRADER)).toBe("❌ name one account only (got @live and @Shadow).");
    expect(await proposalsByAccount()).toEqual([]);
    expect(await redis.keys(`${prefix}acct-choice*`)).toEqual([]);
  });

  it("with a default (/use), no question; @name still overrides it", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/use live");
    await t.send(TRADER, send);
    expect(await proposalsByAccount()).toEqual([{ account_id: liveId, ...proposed, requested_by: `tg:${TRADER}` }]);
    await t.send(TRADER, `${send} @Shadow`);
    expect(await proposalsByAccount()).toMatchObject([{ account_id: liveId }, { account_id: shadowId }]);
    // Another operator's default is their own: TRADER_2 is still asked.
    await t.send(TRADER_2, send);
    expect(question(t, TRADER_2).data).toHaveLength(3);
  });
});

describe("who could be meant", () => {
  it("/close: only the account holding the ticker, so no question", async () => {
    await holdPosition(db.dataSource, liveId, "NKE", 1, "90");
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/close NKE");
    expect(await proposalsByAccount()).toEqual([{ account_id: liveId, side: "SELL", ticker: "NKE", quantity: 1, requested_by: `tg:${TRADER}` }]);
    await t.send(TRADER, "/close AAPL");
    expect(t.telegram.lastText(TRADER)).toBe("❌ No open AAPL position to close.\nusage: /close TICKER [QTY]  (QTY defaults to the whole position)");
  });

  it("/execute: a live account in live-prep places no orders, so the shadow account is the only one", async () => {
    await db.dataSource.query(`UPDATE accounts SET phase = 'live-prep' WHERE id = $1`, [liveId]);
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/execute BUY F 1");
    expect(await proposalsByAccount()).toMatchObject([{ account_id: shadowId }]);
  });

  it("a default that can no longer be meant is not used, nor silently swapped: the bot asks, and says why", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/use live");
    await db.dataSource.query(`UPDATE accounts SET phase = 'live-prep' WHERE id = $1`, [liveId]);
    await t.send(TRADER, "/execute BUY F 1");
    const q = question(t, TRADER);
    expect(q.text.split("\n")[0]).toBe("ℹ️ Your default account, 🔴 LIVE · live, cannot take this.");
    expect(labels(t, TRADER)).toEqual(["📄 Shadow (paper, phase shadow)", "Cancel"]);
    expect(await proposalsByAccount()).toEqual([]);
  });
});

describe("/execute dialogue with two accounts", () => {
  it("asks the account first, then side, ticker and quantity, and orders on the chosen account", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/execute");
    const q = question(t, TRADER);
    expect(q.text.split("\n")[0]).toBe("Which account should /execute go to?");
    await t.press(TRADER, q.data[1]!);
    expect(t.telegram.lastText(TRADER)).toBe("New order on 🔴 LIVE · live. Buy or sell? (/cancel to stop)");
    await t.press(TRADER, "ex:BUY");
    await t.send(TRADER, "F");
    await t.send(TRADER, "1");
    expect(await proposalsByAccount()).toEqual([{ account_id: liveId, side: "BUY", ticker: "F", quantity: 1, requested_by: `tg:${TRADER}` }]);
    // A second press on the old question starts nothing.
    await t.press(TRADER, q.data[1]!);
    expect(t.telegram.lastText(TRADER)).not.toContain("New order");
  });

  it("/execute @shadow opens the dialogue on that account without a question", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/execute @shadow");
    expect(t.telegram.lastText(TRADER)).toBe("New order on 📄 paper · Shadow. Buy or sell? (/cancel to stop)");
  });
});
