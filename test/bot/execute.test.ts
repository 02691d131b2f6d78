import { beforeEach, describe, expect, it } from "vitest";
import { ADMIN, createTestBot, TRADER, TRADER_2, VIEWER } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { auditRows, buttons, freshDesk, orders, proposalCopies, proposals } from "./fixtures.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();

beforeEach(async () => {
  await freshDesk(db.dataSource, redis, prefix);
});

describe("/execute with arguments", () => {
  it("BUY NKE 10 makes a pending proposal, posted with Approve / Deny to every trader and admin", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/execute BUY NKE 10");
    const [p, ...more] = await proposals(db.dataSource);
    expect(more).toEqual([]);
    expect(p).toMatchObject({ side: "BUY", ticker: "NKE", quantity: 10, order_type: "market", limit_price: null, stop_price: null, status: "pending", requested_by: `tg:${TRADER}`, decided_by: null });
    // One copy each for the admin and both traders, none for the viewer; every copy is recorded.
    const copies = proposalCopies(t, p!.id);
    expect(copies.map((c) => Number(c.payload.chat_id)).sort()).toEqual([ADMIN, TRADER, TRADER_2]);
    for (const copy of copies) {
      expect(buttons(copy)).toEqual([`ap:${p!.id}:a`, `ap:${p!.id}:d`]);
      // The account it would trade heads it.
      expect(String(copy.payload.text).split("\n")[0]).toBe("📄 paper · Shadow");
      expect(copy.payload.text).toContain("🟡 <b>Proposal</b> BUY 10 NKE · market");
      expect(copy.payload.text).toContain(`from tg:${TRADER} (operator)`);
      expect(copy.payload.text).toContain("⏳ waiting for a trader");
    }
    expect(t.telegram.sent("sendMessage", VIEWER)).toEqual([]);
    expect(p!.messages.map((m) => m.chatId).sort()).toEqual([ADMIN, TRADER, TRADER_2]);
    expect(p!.messages.every((m) => m.shown === "pending")).toBe(true);
    // Nothing is ordered before someone approves.
    expect(await orders(db.dataSource)).toEqual([]);
    const audit = await auditRows(db.dataSource);
    expect(audit).toEqual([
      { actor: `tg:${TRADER}`, action: "tg.order.requested", subject: "NKE", details: { side: "BUY", quantity: "10", limit: null, stop: null, outcome: "pending_approval" } },
    ]);
  });

  it("takes a limit and a stop", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/execute buy nke 10 101.5 95");
    const [p] = await proposals(db.dataSource);
    expect(p).toMatchObject({ side: "BUY", ticker: "NKE", quantity: 10, order_type: "limit", limit_price: "101.5", stop_price: "95", status: "pending" });
    expect(t.telegram.lastText(TRADER)).toContain("BUY 10 NKE · limit 101.50 · stop 95.00");
  });

  it("takes a market order with a stop", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(ADMIN, "/execute SELL NKE 5 market 105");
    // A SELL without a position is no risk reduction: it is refused before any proposal.
    expect(t.telegram.lastText(ADMIN)).toContain("cannot sell 5 NKE: the account holds 0");
    await t.send(ADMIN, "/execute BUY NKE 5 market 95");
    expect(await proposals(db.dataSource)).toMatchObject([{ order_type: "market", limit_price: null, stop_price: "95", requested_by: `tg:${ADMIN}` }]);
  });

  it("answers a command addressed to the bot by name", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/execute@war_room_test_bot BUY NKE 2");
    expect(await proposals(db.dataSource)).toMatchObject([{ side: "BUY", ticker: "NKE", quantity: 2 }]);
  });

  it("executes at once, without a proposal, when the policy asks no approval", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix, env: { SHADOW_REQUIRES_APPROVAL: "false" }, slippageBps: 0 });
    await t.send(TRADER, "/execute BUY NKE 10");
    expect(t.telegram.lastText(TRADER)).toBe("📄 paper · Shadow\n✅ <b>Filled</b>: BUY 10 NKE @ 100.00 (commission $1.00)\nposition 10 NKE · cash $98,999.00");
    expect(await proposals(db.dataSource)).toEqual([]);
    expect(await orders(db.dataSource)).toMatchObject([{ side: "BUY", ticker: "NKE", quantity: 10, status: "filled", proposal_id: null, requested_by: `tg:${TRADER}` }]);
    expect(t.telegram.sent("sendMessage").map((c) => Number(c.payload.chat_id))).toEqual([TRADER]);
  });

  it("a re-delivered update (same update_id) makes one proposal; the same message under a new update_id says already proposed", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const update = t.textUpdate(TRADER, "/execute BUY NKE 10");
    await t.bot.handleUpdate(update);
    await t.bot.handleUpdate(update);
    expect(await proposals(db.dataSource)).toHaveLength(1);
    expect(t.telegram.sent("sendMessage")).toHaveLength(3);
    // Telegram re-sends the same message in a new update: the idempotency key is the message's.
    await t.bot.handleUpdate({ ...update, update_id: update.update_id + 1_000 });
    expect(await proposals(db.dataSource)).toHaveLength(1);
    expect(t.telegram.lastText(TRADER)).toMatch(/^ℹ️ Already proposed: [0-9a-f]{8} is pending\.$/);
    expect(await orders(db.dataSource)).toEqual([]);
  });
});

describe("/execute dialogue", () => {
  it("asks side, ticker and quantity, then proposes", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/execute");
    const ask = t.telegram.sent("sendMessage", TRADER).at(-1)!;
    expect(ask.payload.text).toBe("New order on 📄 paper · Shadow. Buy or sell? (/cancel to stop)");
    expect(buttons(ask)).toEqual(["ex:BUY", "ex:SELL", "dlg:cancel"]);
    await t.press(TRADER, "ex:BUY");
    expect(t.telegram.sent("answerCallbackQuery").at(-1)!.payload.callback_query_id).toMatch(/^cq-/);
    expect(t.telegram.lastText(TRADER)).toBe("BUY: which ticker? (e.g. NKE)");
    await t.send(TRADER, "nke");
    expect(t.telegram.lastText(TRADER)).toBe("BUY NKE: how many shares?");
    expect(await proposals(db.dataSource)).toEqual([]);
    await t.send(TRADER, "12");
    const [p] = await proposals(db.dataSource);
    expect(p).toMatchObject({ side: "BUY", ticker: "NKE", quantity: 12, status: "pending", requested_by: `tg:${TRADER}` });
    expect(proposalCopies(t, p!.id)).toHaveLength(3);
    // The dialogue is over: the next text is not taken as an answer.
    await t.send(TRADER, "13");
    expect(t.telegram.lastText(TRADER)).toBe("I only understand commands. /help lists them.");
    expect(await proposals(db.dataSource)).toHaveLength(1);
  });

  it("/cancel at any step orders nothing", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/execute");
    await t.send(TRADER, "/cancel");
    expect(t.telegram.lastText(TRADER)).toBe("Cancelled: nothing was ordered.");
    await t.send(TRADER, "/execute");
    await t.press(TRADER, "ex:SELL");
    await t.send(TRADER, "NKE");
    await t.send(TRADER, "/cancel");
    expect(t.telegram.lastText(TRADER)).toBe("Cancelled: nothing was ordered.");
    await t.send(TRADER, "/execute");
    await t.press(TRADER, "dlg:cancel");
    expect(t.telegram.lastText(TRADER)).toBe("Cancelled: nothing was ordered.");
    // No dialogue is left waiting.
    await t.send(TRADER, "/cancel");
    expect(t.telegram.lastText(TRADER)).toBe("Nothing to cancel.");
    expect(await proposals(db.dataSource)).toEqual([]);
    expect(await orders(db.dataSource)).toEqual([]);
  });

  it("a bad quantity in the dialogue is answered like the command's, and nothing is written", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER_2, "/execute");
    await t.press(TRADER_2, "ex:BUY");
    await t.send(TRADER_2, "NKE");
    await t.send(TRADER_2, "ten");
    expect(t.telegram.lastText(TRADER_2)).toBe("❌ <b>Order not accepted</b>\n• quantity must be a whole number of shares above 0, got &quot;ten&quot;");
    expect(await proposals(db.dataSource)).toEqual([]);
    expect(await orders(db.dataSource)).toEqual([]);
  });

  it("other commands and presses still work while a dialogue waits, and another user's text is not taken", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/execute");
    await t.press(TRADER, "ex:BUY");
    await t.send(TRADER, "/status");
    expect(t.telegram.lastText(TRADER)).toContain("<b>Shadow</b> — <b>ACTIVE</b>");
    await t.send(TRADER_2, "NKE");
    expect(t.telegram.lastText(TRADER_2)).toBe("I only understand commands. /help lists them.");
    await t.send(TRADER, "NKE");
    await t.send(TRADER, "3");
    expect(await proposals(db.dataSource)).toMatchObject([{ quantity: 3, requested_by: `tg:${TRADER}` }]);
  });
});
