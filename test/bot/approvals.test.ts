import { beforeEach, describe, expect, it } from "vitest";
import { ADMIN, createTestBot, TRADER, TRADER_2, VIEWER } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { auditRows, buttons, freshDesk, lastEdits, orders, propose, proposalCopies, proposals } from "./fixtures.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();

beforeEach(async () => {
  await freshDesk(db.dataSource, redis, prefix);
});

describe("/approvals", () => {
  it("says so when nothing waits", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/approvals");
    expect(t.telegram.texts(TRADER)).toEqual(["No proposal is waiting for approval."]);
  });

  it("lists what waits, with Approve / Deny for a trader and without buttons for a viewer", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const first = await propose(t, db.dataSource, TRADER);
    const second = await propose(t, db.dataSource, ADMIN, "/execute BUY NKE 3 99 95");
    t.telegram.clear();
    await t.send(TRADER_2, "/approvals");
    const sent = t.telegram.sent("sendMessage", TRADER_2);
    // Each names the account it would trade, then its terms.
    expect(sent.map((c) => String(c.payload.text).split("\n").slice(0, 2).join(" | "))).toEqual([
      "<b>2 proposal(s) waiting</b>",
      "📄 paper · Shadow | 🟡 <b>Proposal</b> BUY 10 NKE · market",
      "📄 paper · Shadow | 🟡 <b>Proposal</b> BUY 3 NKE · limit 99.00 · stop 95.00",
    ]);
    expect(buttons(sent[1]!)).toEqual([`ap:${first.id}:a`, `ap:${first.id}:d`]);
    expect(buttons(sent[2]!)).toEqual([`ap:${second.id}:a`, `ap:${second.id}:d`]);

    await t.send(VIEWER, "/approvals");
    const viewer = t.telegram.sent("sendMessage", VIEWER);
    expect(viewer).toHaveLength(3);
    expect(viewer.flatMap(buttons)).toEqual([]);
  });

  it("a press on a listed copy decides the proposal like a press on the posted one", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix, slippageBps: 0 });
    const p = await propose(t, db.dataSource, TRADER);
    await t.send(TRADER_2, "/approvals");
    const listed = t.telegram.sent("sendMessage", TRADER_2).at(-1)!;
    await t.press(TRADER_2, buttons(listed)[0]!, 9999);
    expect(t.telegram.callbackAnswers().at(-1)).toBe("Approved: filled BUY 10 NKE @ 100.00.");
    expect(await orders(db.dataSource)).toHaveLength(1);
    expect((await proposals(db.dataSource))[0]).toMatchObject({ id: p.id, status: "executed", decided_by: `tg:${TRADER_2}` });
  });
});

describe("Approve and Deny", () => {
  it("Approve executes the order once, and every copy then shows the fill", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix, slippageBps: 0 });
    const p = await propose(t, db.dataSource, TRADER);
    expect(proposalCopies(t, p.id)).toHaveLength(3);
    await t.press(TRADER_2, `ap:${p.id}:a`);

    const answer = t.telegram.sent("answerCallbackQuery").at(-1)!;
    expect(answer.payload.text).toBe("Approved: filled BUY 10 NKE @ 100.00.");
    expect(answer.payload.show_alert).toBe(false);
    expect(await orders(db.dataSource)).toMatchObject([{ side: "BUY", ticker: "NKE", quantity: 10, status: "filled", proposal_id: p.id, requested_by: `tg:${TRADER}` }]);
    const [after] = await proposals(db.dataSource);
    expect(after).toMatchObject({ status: "executed", decided_by: `tg:${TRADER_2}` });
    expect(after!.messages.every((m) => m.shown === "executed")).toBe(true);

    // Each posted copy is edited in place, in its own chat, to show who approved and the fill.
    const edits = t.telegram.sent("editMessageText");
    expect(edits.map((e) => [Number(e.payload.chat_id), Number(e.payload.message_id)]).sort()).toEqual(
      after!.messages.map((m) => [m.chatId, m.messageId]).sort(),
    );
    for (const edit of edits) {
      expect(edit.payload.text).toContain(`✅ approved and executed by tg:${TRADER_2}`);
      expect(edit.payload.text).toContain("✅ <b>Filled</b>: BUY 10 NKE @ 100.00 (commission $1.00)");
      expect(edit.payload.text).toContain("position 10 NKE");
      expect(edit.payload.reply_markup).toBeUndefined();
    }
    // The fill opened the position with the desk's default stop, 5% under the average cost.
    expect(await db.dataSource.query(`SELECT ticker, quantity, stop_price::float8 AS stop FROM positions`)).toEqual([{ ticker: "NKE", quantity: 10, stop: 95.1 }]);
    expect(t.notifier.alerts.map((a) => a.kind)).toEqual(["fill"]);
    expect((await auditRows(db.dataSource)).at(-1)).toEqual({ actor: `tg:${TRADER_2}`, action: "tg.proposal.approve", subject: p.id, details: { outcome: "approved" } });
  });

  it("Deny orders nothing and edits every copy to show it was denied", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const p = await propose(t, db.dataSource, TRADER);
    await t.press(ADMIN, `ap:${p.id}:d`);
    expect(t.telegram.callbackAnswers().at(-1)).toBe("Denied.");
    expect(await orders(db.dataSource)).toEqual([]);
    const [after] = await proposals(db.dataSource);
    expect(after).toMatchObject({ status: "denied", decided_by: `tg:${ADMIN}` });
    const edits = lastEdits(t);
    expect([...edits.keys()].sort()).toEqual([ADMIN, TRADER, TRADER_2]);
    for (const text of edits.values()) {
      expect(text).toContain("▪️ <b>Proposal</b> BUY 10 NKE · market");
      expect(text).toContain(`❌ denied by tg:${ADMIN}`);
    }
    expect((await auditRows(db.dataSource)).at(-1)).toMatchObject({ actor: `tg:${ADMIN}`, action: "tg.proposal.deny", details: { outcome: "denied" } });
  });

  it("an approval the pre-trade checks now refuse settles as rejected_by_risk, and orders nothing", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const p = await propose(t, db.dataSource, TRADER);
    // The price goes stale between the proposal and the press (300 s).
    t.clock.at = new Date(t.clock.at.getTime() + 6 * 60_000);
    await t.press(TRADER_2, `ap:${p.id}:a`);
    expect(t.telegram.callbackAnswers().at(-1)).toBe("Approved, but refused by the pre-trade checks: the last NKE price is older than 300 s");
    expect(await orders(db.dataSource)).toEqual([]);
    expect((await proposals(db.dataSource))[0]).toMatchObject({ status: "rejected_by_risk" });
    for (const text of lastEdits(t).values()) expect(text).toContain("🛑 approved, but refused by the pre-trade checks");
  });

  it("a press on a proposal that does not exist is answered clearly and changes nothing", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await propose(t, db.dataSource, TRADER);
    await t.press(TRADER, "ap:00000000-0000-4000-8000-000000000000:a");
    const answer = t.telegram.sent("answerCallbackQuery").at(-1)!;
    expect(answer.payload).toMatchObject({ text: "This proposal does not exist (any more).", show_alert: true });
    expect(t.telegram.sent("editMessageText")).toEqual([]);
    expect((await proposals(db.dataSource))[0]!.status).toBe("pending");
    // A button whose data is not a proposal's at all.
    await t.press(TRADER, "ap:not-a-uuid:a");
    expect(t.telegram.callbackAnswers().at(-1)).toBe("This button is not valid any more.");
    expect(await orders(db.dataSource)).toEqual([]);
  });
});
