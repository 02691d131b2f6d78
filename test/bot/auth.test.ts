import type { Update } from "grammy/types";
import { beforeEach, describe, expect, it } from "vitest";
import { holdPosition } from "../support/accounts.js";
import { ADMIN, createTestBot, STRANGER, TRADER, TRADER_2, VIEWER, type TestBot } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { auditRows, freshDesk, killSwitchRows, orders, overrideCode, propose, proposals } from "./fixtures.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let accountId: string;

beforeEach(async () => {
  accountId = await freshDesk(db.dataSource, redis, prefix);
  await holdPosition(db.dataSource, accountId, "NKE", 10, "90");
});

/** Nothing in the database moved: still ACTIVE, no order, no audit row; `pending` proposals still pending. */
async function expectNothingChanged(pending = 0): Promise<void> {
  expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "ACTIVE" }]);
  expect(await orders(db.dataSource)).toEqual([]);
  const rows = await proposals(db.dataSource);
  expect(rows).toHaveLength(pending);
  expect(rows.every((p) => p.status === "pending")).toBe(true);
}

describe("strangers", () => {
  it.each(["/status", "/halt", "/execute BUY NKE 10", "/close NKE", "/resume", "/approvals", "/start", "hello"])("%s gets Access denied and changes nothing", async (text) => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(STRANGER, text);
    expect(t.telegram.calls).toEqual([
      {
        method: "sendMessage",
        payload: { chat_id: STRANGER, text: `Access denied: this desk only answers its operators. Your Telegram user id is ${STRANGER}; an admin can add it.` },
      },
    ]);
    await expectNothingChanged();
    expect(await auditRows(db.dataSource)).toEqual([]);
  });

  it("a stranger's press on Approve gets a Not authorised alert (once an hour, then silence) and changes nothing", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const p = await propose(t, db.dataSource, TRADER);
    t.telegram.clear();
    await t.press(STRANGER, `ap:${p.id}:a`);
    await t.press(STRANGER, `ap:${p.id}:d`);
    const answers = t.telegram.calls;
    expect(answers.map((c) => c.method)).toEqual(["answerCallbackQuery"]);
    expect(answers[0]!.payload).toMatchObject({ text: "Not authorised: you are not an operator of this desk.", show_alert: true });
    await expectNothingChanged(1);
    expect((await auditRows(db.dataSource)).map((r) => r.action)).toEqual(["tg.order.requested"]);
  });

  it("a stranger in a group is not answered at all, and a bot's update is ignored", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const group: Update = {
      update_id: 424242,
      message: {
        message_id: 7, date: 1_795_000_000, chat: { id: -100123, type: "supergroup", title: "desk" }, from: { id: STRANGER, is_bot: false, first_name: "x" },
        text: "/halt", entities: [{ type: "bot_command", offset: 0, length: 5 }],
      },
    };
    await t.bot.handleUpdate(group);
    const fromBot = t.textUpdate(ADMIN, "/halt");
    fromBot.message!.from = { id: ADMIN, is_bot: true, first_name: "impostor" };
    await t.bot.handleUpdate(fromBot);
    expect(t.telegram.calls).toEqual([]);
    await expectNothingChanged();
  });

  it("a stranger cannot answer an operator's dialogue", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/execute");
    await t.press(STRANGER, "ex:BUY");
    expect(t.telegram.callbackAnswers().at(-1)).toBe("Not authorised: you are not an operator of this desk.");
    await t.press(TRADER, "ex:BUY");
    await t.send(STRANGER, "NKE");
    expect(t.telegram.lastText(TRADER)).toBe("BUY: which ticker? (e.g. NKE)");
    await expectNothingChanged();
  });
});

describe("roles", () => {
  it("a viewer's /execute and /close need the trader role", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(VIEWER, "/execute BUY NKE 10");
    expect(t.telegram.lastText(VIEWER)).toBe("/execute needs the trader role; you are a viewer.");
    await t.send(VIEWER, "/execute");
    expect(t.telegram.lastText(VIEWER)).toBe("/execute needs the trader role; you are a viewer.");
    await t.send(VIEWER, "/close NKE");
    expect(t.telegram.lastText(VIEWER)).toBe("/close needs the trader role; you are a viewer.");
    // No dialogue was entered for the bare /execute.
    await t.send(VIEWER, "NKE");
    expect(t.telegram.lastText(VIEWER)).toBe("I only understand commands. /help lists them.");
    await expectNothingChanged();
    expect(await auditRows(db.dataSource)).toEqual([]);
  });

  it("a viewer's press on Approve or Deny is refused and the proposal stays pending", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    const p = await propose(t, db.dataSource, TRADER_2);
    await t.press(VIEWER, `ap:${p.id}:a`);
    await t.press(VIEWER, `ap:${p.id}:d`);
    expect(t.telegram.callbackAnswers()).toEqual(["Nothing changed: only traders may approve or deny.", "Nothing changed: only traders may approve or deny."]);
    await expectNothingChanged(1);
    expect((await auditRows(db.dataSource)).filter((r) => r.actor === `tg:${VIEWER}`).map((r) => r.details)).toEqual([
      { outcome: "refused", refusal: "not_a_trader" },
      { outcome: "refused", refusal: "not_a_trader" },
    ]);
  });

  it("a trader's /resume needs the admin role, even with the right code", async () => {
    const { code, verifier } = await overrideCode();
    const t: TestBot = createTestBot(db.dataSource, { redis, prefix, overrideCode: verifier });
    await t.send(ADMIN, "/halt drill");
    await t.send(TRADER, "/resume");
    expect(t.telegram.lastText(TRADER)).toBe("/resume needs the admin role; you are a trader.");
    await t.press(TRADER, "rs:go:yes");
    await t.send(TRADER, code);
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "HALTED" }]);
    expect(t.telegram.sent("deleteMessage")).toEqual([]);
    // A viewer is told the same.
    await t.send(VIEWER, "/resume");
    expect(t.telegram.lastText(VIEWER)).toBe("/resume needs the admin role; you are a viewer.");
  });

  it("another operator cannot answer an admin's /resume dialogue", async () => {
    const { code, verifier } = await overrideCode();
    const t = createTestBot(db.dataSource, { redis, prefix, overrideCode: verifier });
    await t.send(TRADER, "/halt drill");
    await t.send(ADMIN, "/resume");
    await t.press(TRADER, "rs:go:yes");
    expect(t.telegram.callbackAnswers().at(-1)).toBe("This button is not valid any more.");
    await t.press(ADMIN, "rs:go:yes");
    await t.send(TRADER, code);
    expect(t.telegram.sent("deleteMessage")).toEqual([]);
    expect(await killSwitchRows(db.dataSource)).toMatchObject([{ state: "HALTED" }]);
  });
});
