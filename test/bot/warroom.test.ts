import { beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.js";
import { createTestBot, TRADER, TRADER_2, VIEWER, type TestBot } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { MARKET_OPEN } from "../support/desk.js";
import { seedGoodNews, seedUptrend } from "../support/bullish-story.js";
import { useTestRedis } from "../support/redis.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let t: TestBot;
let accountId: string;


beforeAll(async () => {
  accountId = await createAccount(db.dataSource, { name: "Room", cash: "100000" });
  await seedUptrend(db.dataSource, "NVDA", { from: "100", now: MARKET_OPEN });
  await seedGoodNews(db.dataSource, "NVDA", MARKET_OPEN);
  t = createTestBot(db.dataSource, { redis, prefix, slippageBps: 0 });
});

describe("/warroom", () => {
  it("decides in one session, stores every vote, proposes with its rationale, and Approve fills on the paper broker", async () => {
    await t.send(TRADER, "/warroom NVDA");
    const reply = t.telegram.lastText(TRADER);
    expect(reply).toMatch(/🏛️ <b>War Room: NVDA<\/b>/);
    expect(reply).toMatch(/<b>Decision: BUY<\/b> \d+ shares, stop \d+\.\d\d/);
    expect(reply).toMatch(/📨 📄 paper · Room: proposed to the traders/);
    for (const agent of ["trend", "sentiment", "signals", "risk"]) expect(reply).toContain(`<b>${agent}</b>`);

    const [session] = await db.dataSource.query<{ id: string; decision: string; quantity: number; votes: number }[]>(
      `SELECT s.id, s.decision, s.quantity, (SELECT count(*)::int FROM agent_votes v WHERE v.session_id = s.id) AS votes FROM warroom_sessions s`,
    );
    expect(session).toMatchObject({ decision: "BUY", votes: 4 });
    const [signal] = await db.dataSource.query<{ source: string; warroom_session_id: string }[]>(`SELECT source, warroom_session_id FROM trading_signals WHERE source = 'warroom'`);
    expect(signal).toEqual({ source: "warroom", warroom_session_id: session!.id });

    const posted = t.telegram.sent("sendMessage", TRADER_2).at(-1)!;
    expect(String(posted.payload.text)).toMatch(/BUY \d+ NVDA · market · stop/);
    expect(String(posted.payload.text)).toContain("War Room (confidence");
    const data = (posted.payload.reply_markup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard[0]![0]!.callback_data;
    await t.press(TRADER_2, data);
    expect(t.telegram.callbackAnswers().at(-1)).toMatch(new RegExp(`filled BUY ${session!.quantity} NVDA`));
    const [position] = await db.dataSource.query<{ quantity: number }[]>(`SELECT quantity FROM positions WHERE account_id = $1 AND ticker = 'NVDA'`, [accountId]);
    expect(position!.quantity).toBe(session!.quantity);
  });

  it("holds without data, and proposes nothing", async () => {
    await t.send(TRADER, "/warroom ZZZ");
    const reply = t.telegram.lastText(TRADER);
    expect(reply).toContain("<b>Decision: HOLD</b>");
    expect(reply).toContain("No order: the room holds.");
  });

  it("refuses bad input and viewers, changing nothing", async () => {
    const before = await db.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM warroom_sessions`);
    await t.send(TRADER, "/warroom");
    expect(t.telegram.lastText(TRADER)).toContain("missing the ticker");
    await t.send(TRADER, "/warroom NVDA ORCL");
    expect(t.telegram.lastText(TRADER)).toContain("is not one ticker");
    await t.send(TRADER, "/warroom 株式");
    expect(t.telegram.lastText(TRADER)).toContain("is not one ticker");
    await t.send(VIEWER, "/warroom NVDA");
    expect(t.telegram.lastText(VIEWER)).toBe("/warroom needs the trader role; you are a viewer.");
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM warroom_sessions`)).toEqual(before);
  });
});
