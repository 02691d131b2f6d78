import { beforeEach, describe, expect, it } from "vitest";
import { ADMIN, createTestBot, TRADER, TRADER_2, VIEWER } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { auditRows, freshDesk, lastEdits, orders, propose, proposals } from "./fixtures.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();

beforeEach(async () => {
  await freshDesk(db.dataSource, redis, prefix);
});

const FILL = "✅ <b>Filled</b>: BUY 10 NKE @ 100.00";

describe("approval races", () => {
  it("a double press of Approve by the same trader makes one order; the second press is told it is already decided", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix, slippageBps: 0 });
    const p = await propose(t, db.dataSource, TRADER);
    await t.press(TRADER_2, `ap:${p.id}:a`);
    await t.press(TRADER_2, `ap:${p.id}:a`);
    const answers = t.telegram.sent("answerCallbackQuery");
    expect(answers.map((a) => a.payload.text)).toEqual([
      "Approved: filled BUY 10 NKE @ 100.00.",
      `Nothing changed: already executed by tg:${TRADER_2}.`,
    ]);
    expect(answers[1]!.payload.show_alert).toBe(true);
    expect(await orders(db.dataSource)).toHaveLength(1);
    expect((await proposals(db.dataSource))[0]).toMatchObject({ status: "executed", decided_by: `tg:${TRADER_2}` });
    // The late press does not take the fill off the copies.
    for (const text of lastEdits(t).values()) expect(text).toContain(FILL);
    expect((await auditRows(db.dataSource)).filter((r) => r.action === "tg.proposal.approve").map((r) => r.details)).toEqual([
      { outcome: "approved" },
      { outcome: "refused", refusal: "already_decided" },
    ]);
  });

  it("50 concurrent presses from three operators make exactly one order and one executed proposal", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix, slippageBps: 0 });
    const p = await propose(t, db.dataSource, TRADER);
    const pressers = [TRADER, TRADER_2, ADMIN];
    const updates = Array.from({ length: 50 }, (_, i) => t.pressUpdate(pressers[i % 3]!, `ap:${p.id}:${i === 49 ? "d" : "a"}`));
    expect(new Set(updates.map((u) => u.update_id)).size).toBe(50);
    await Promise.all(updates.map((u) => t.bot.handleUpdate(u)));

    const placed = await orders(db.dataSource);
    expect(placed).toHaveLength(1);
    expect(placed[0]).toMatchObject({ proposal_id: p.id, status: "filled", quantity: 10 });
    const [after] = await proposals(db.dataSource);
    expect(after!.status).toBe("executed");
    expect(pressers.map((id) => `tg:${id}`)).toContain(after!.decided_by);
    // Every press is answered: one approval, 49 refusals naming the decision.
    const answers = t.telegram.callbackAnswers();
    expect(answers).toHaveLength(50);
    expect(answers.filter((a) => a.startsWith("Approved: filled"))).toHaveLength(1);
    expect(answers.filter((a) => /^Nothing changed: already (approved|executed) by tg:\d+\.$/.test(a))).toHaveLength(49);
    expect(t.notifier.alerts.filter((a) => a.kind === "fill")).toHaveLength(1);
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM fills`)).toEqual([{ n: 1 }]);
    // Whatever order the edits landed in, each copy ends up showing the fill.
    expect([...lastEdits(t).keys()].sort()).toEqual([ADMIN, TRADER, TRADER_2]);
    for (const text of lastEdits(t).values()) expect(text).toContain(FILL);
  });

  it("a press after the proposal expired is told so and orders nothing", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const p = await propose(t, db.dataSource, TRADER);
    t.clock.at = new Date(t.clock.at.getTime() + 11 * 60_000);
    await t.press(TRADER_2, `ap:${p.id}:a`);
    const answer = t.telegram.sent("answerCallbackQuery").at(-1)!;
    expect(answer.payload).toMatchObject({ text: "Nothing changed: this proposal has expired.", show_alert: true });
    expect(await orders(db.dataSource)).toEqual([]);
    expect((await proposals(db.dataSource))[0]).toMatchObject({ status: "pending", decided_by: null });
    // An expired proposal is not shown as waiting either.
    await t.send(TRADER_2, "/status");
    expect(t.telegram.lastText(TRADER_2)).toContain("<b>Pending approvals</b>: 0");
  });

  it("Approve after Deny is refused and orders nothing", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const p = await propose(t, db.dataSource, TRADER);
    await t.press(TRADER_2, `ap:${p.id}:d`);
    await t.press(ADMIN, `ap:${p.id}:a`);
    expect(t.telegram.callbackAnswers()).toEqual(["Denied.", `Nothing changed: already denied by tg:${TRADER_2}.`]);
    expect(await orders(db.dataSource)).toEqual([]);
    expect((await proposals(db.dataSource))[0]).toMatchObject({ status: "denied", decided_by: `tg:${TRADER_2}` });
    for (const text of lastEdits(t).values()) expect(text).toContain(`❌ denied by tg:${TRADER_2}`);
  });

  it("a press on a proposal a halt cancelled is refused, and brings every stale copy up to date", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const p = await propose(t, db.dataSource, TRADER);
    await t.send(VIEWER, "/halt");
    expect((await proposals(db.dataSource))[0]).toMatchObject({ status: "cancelled", decided_by: "system" });
    expect(t.telegram.sent("editMessageText")).toEqual([]);
    await t.press(TRADER_2, `ap:${p.id}:a`);
    expect(t.telegram.callbackAnswers().at(-1)).toBe("Nothing changed: already cancelled by system.");
    expect(await orders(db.dataSource)).toEqual([]);
    expect([...lastEdits(t).keys()].sort()).toEqual([ADMIN, TRADER, TRADER_2]);
    for (const text of lastEdits(t).values()) expect(text).toContain("🚫 cancelled by system\ntrading halted: manual halt from Telegram");
  });

  it("a viewer's press on Approve is refused and the proposal stays pending", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const p = await propose(t, db.dataSource, TRADER);
    await t.press(VIEWER, `ap:${p.id}:a`);
    expect(t.telegram.sent("answerCallbackQuery").at(-1)!.payload).toMatchObject({ text: "Nothing changed: only traders may approve or deny.", show_alert: true });
    expect((await proposals(db.dataSource))[0]).toMatchObject({ status: "pending", decided_by: null });
    expect(await orders(db.dataSource)).toEqual([]);
    expect(t.telegram.sent("editMessageText")).toEqual([]);
  });
});

describe("four-eyes", () => {
  it("the requester's own Approve is refused; another trader's succeeds", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix, slippageBps: 0, env: { FOUR_EYES: "true" } });
    const p = await propose(t, db.dataSource, TRADER);
    await t.press(TRADER, `ap:${p.id}:a`);
    expect(t.telegram.sent("answerCallbackQuery").at(-1)!.payload).toMatchObject({
      text: "Nothing changed: four-eyes rule: someone else must decide your proposal.",
      show_alert: true,
    });
    expect(await orders(db.dataSource)).toEqual([]);
    expect((await proposals(db.dataSource))[0]!.status).toBe("pending");
    // Denying one's own proposal is a decision too.
    await t.press(TRADER, `ap:${p.id}:d`);
    expect(t.telegram.callbackAnswers().at(-1)).toContain("four-eyes");
    expect((await proposals(db.dataSource))[0]!.status).toBe("pending");

    await t.press(TRADER_2, `ap:${p.id}:a`);
    expect(t.telegram.callbackAnswers().at(-1)).toBe("Approved: filled BUY 10 NKE @ 100.00.");
    expect(await orders(db.dataSource)).toHaveLength(1);
    expect((await proposals(db.dataSource))[0]).toMatchObject({ status: "executed", requested_by: `tg:${TRADER}`, decided_by: `tg:${TRADER_2}` });
  });

  it("an admin's own proposal needs someone else too", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix, env: { FOUR_EYES: "true" } });
    const p = await propose(t, db.dataSource, ADMIN);
    await t.press(ADMIN, `ap:${p.id}:a`);
    expect(t.telegram.callbackAnswers().at(-1)).toContain("four-eyes rule");
    await t.press(TRADER, `ap:${p.id}:d`);
    expect(t.telegram.callbackAnswers().at(-1)).toBe("Denied.");
    expect(await orders(db.dataSource)).toEqual([]);
  });
});
