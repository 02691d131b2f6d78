import { beforeAll, describe, expect, it } from "vitest";
import { NewsRepository } from "../../src/adapters/db/repositories/news-repository.js";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { SignalRepository } from "../../src/adapters/db/repositories/signal-repository.js";
import { Dec } from "../../src/domain/decimal.js";
import { createAccount } from "../support/accounts.js";
import { createTestBot, TRADER, TRADER_2, VIEWER, type TestBot } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { flatBar, MARKET_OPEN } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let t: TestBot;
let accountId: string;
const DAY = 86_400_000;

/** 120 daily closes in a steady, not overbought, uptrend (two steps up, one back), then a fresh quote. */
async function seedUptrend(ticker: string): Promise<void> {
  const bars = [];
  let close = new Dec(100);
  for (let i = 120; i >= 1; i -= 1) {
    close = close.plus(i % 3 === 0 ? "-0.6" : "1.0");
    bars.push(flatBar(ticker, close.toFixed(2), new Date(MARKET_OPEN.getTime() - i * DAY + 5 * 3_600_000)));
  }
  bars.push(flatBar(ticker, close.plus(1).toFixed(2), new Date(MARKET_OPEN.getTime() - 30_000)));
  await new PriceRepository(db.dataSource).upsert(bars, "update");
}

beforeAll(async () => {
  accountId = await createAccount(db.dataSource, { name: "Room", cash: "100000" });
  await seedUptrend("NVDA");
  const hoursAgo = (h: number) => new Date(MARKET_OPEN.getTime() - h * 3_600_000);
  await new NewsRepository(db.dataSource).insertBatch([
    { title: "Nvidia beats estimates with record revenue and strong growth", url: "https://news.test/1", source: "test", tickers: ["NVDA"], publishedAt: hoursAgo(2), summary: "Excellent quarter, impressive gains, outstanding demand." },
    { title: "NVDA wins major contract, analysts praise great outlook", url: "https://news.test/2", source: "test", tickers: ["NVDA"], publishedAt: hoursAgo(5), summary: "A brilliant success." },
  ]);
  await new SignalRepository(db.dataSource).insert([{ ticker: "NVDA", signal: "BUY", confidence: new Dec("0.9"), source: "analyst", rationale: "upgrade" }]);
  // The desk's clock stands at MARKET_OPEN: date the analyst's signal a day before it, not by the wall clock.
  await db.dataSource.query(`UPDATE trading_signals SET created_at = $1`, [new Date(MARKET_OPEN.getTime() - DAY)]);
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
