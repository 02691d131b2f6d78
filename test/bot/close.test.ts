import { beforeEach, describe, expect, it } from "vitest";
import { holdPosition } from "../support/accounts.js";
import { ADMIN, createTestBot, TRADER, TRADER_2 } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { freshDesk, orders, proposalCopies, proposals } from "./fixtures.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let accountId: string;

beforeEach(async () => {
  accountId = await freshDesk(db.dataSource, redis, prefix);
  await holdPosition(db.dataSource, accountId, "NKE", 10, "90");
});

const held = async (): Promise<number | undefined> =>
  (await db.dataSource.query(`SELECT quantity FROM positions WHERE ticker = 'NKE'`))[0]?.quantity;

describe("/close", () => {
  it("/close NKE proposes selling the whole position, and an approval sells it", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix, slippageBps: 0 });
    await t.send(TRADER, "/close nke");
    const [p] = await proposals(db.dataSource);
    expect(p).toMatchObject({ side: "SELL", ticker: "NKE", quantity: 10, order_type: "market", status: "pending", requested_by: `tg:${TRADER}` });
    const copies = proposalCopies(t, p!.id);
    expect(copies.map((c) => Number(c.payload.chat_id)).sort()).toEqual([ADMIN, TRADER, TRADER_2]);
    expect(copies[0]!.payload.text).toContain("SELL 10 NKE · market");
    expect(copies[0]!.payload.text).toContain("<i>close 10 of 10 NKE</i>");
    expect(await orders(db.dataSource)).toEqual([]);

    await t.press(TRADER_2, `ap:${p!.id}:a`);
    expect(t.telegram.callbackAnswers().at(-1)).toBe("Approved: filled SELL 10 NKE @ 100.00.");
    expect(await orders(db.dataSource)).toMatchObject([{ side: "SELL", ticker: "NKE", quantity: 10, status: "filled", proposal_id: p!.id }]);
    expect(await held()).toBe(0);
  });

  it("/close NKE 4 proposes selling part of it", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(ADMIN, "/close NKE 4");
    expect(await proposals(db.dataSource)).toMatchObject([{ side: "SELL", ticker: "NKE", quantity: 4, status: "pending", requested_by: `tg:${ADMIN}` }]);
  });

  it("works while trading is halted: closing only reduces risk", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix, slippageBps: 0 });
    await t.send(ADMIN, "/halt stop everything");
    await t.send(TRADER, "/close NKE");
    const [p] = await proposals(db.dataSource);
    expect(p).toMatchObject({ side: "SELL", quantity: 10, status: "pending" });
    await t.send(TRADER, "/execute BUY NKE 1");
    expect(t.telegram.lastText(TRADER)).toContain("trading is halted");
    await t.press(ADMIN, `ap:${p!.id}:a`);
    expect(await orders(db.dataSource)).toMatchObject([{ side: "SELL", quantity: 10, status: "filled" }]);
    expect(await held()).toBe(0);
  });

  it.each([
    ["no position", "/close AAPL", "❌ No open AAPL position to close.\nusage: /close TICKER [QTY]  (QTY defaults to the whole position)"],
    ["a quantity above the position", "/close NKE 11", "❌ 📄 paper · Shadow holds 10 NKE; cannot close 11."],
    ["no arguments", "/close", "❌ missing the ticker.\nusage: /close TICKER [QTY]"],
    ["too many arguments", "/close NKE 5 now", "❌ too many arguments (3); at most 2."],
    ["quantity 0", "/close NKE 0", "quantity must be a whole number of shares above 0, got &quot;0&quot;"],
    ["a negative quantity", "/close NKE -3", "quantity must be a whole number of shares above 0, got &quot;-3&quot;"],
    ["a non-numeric quantity", "/close NKE all", "quantity must be a whole number of shares above 0, got &quot;all&quot;"],
    ["an HTML-special ticker", "/close <b>x</b>", "❌ No open &lt;B&gt;X&lt;/B&gt; position to close."],
    ["a 5,000-character ticker", `/close ${"Q".repeat(5_000)}`, `❌ No open ${"Q".repeat(24)} position to close.`],
  ])("%s: a clear answer and nothing written", async (_name, command, reply) => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, command);
    const sent = t.telegram.sent("sendMessage");
    expect(sent.map((c) => Number(c.payload.chat_id))).toEqual([TRADER]);
    expect(String(sent[0]!.payload.text)).toContain(reply);
    expect(String(sent[0]!.payload.text).length).toBeLessThanOrEqual(4096);
    expect(await proposals(db.dataSource)).toEqual([]);
    expect(await orders(db.dataSource)).toEqual([]);
    expect(await held()).toBe(10);
  });
});
