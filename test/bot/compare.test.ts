import { beforeAll, describe, expect, it } from "vitest";
import { mirrorDecision } from "../../src/app/orders/mirror-decision.js";
import { createAccount } from "../support/accounts.js";
import { createTestBot, TRADER, TRADER_2, VIEWER, type TestBot } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { price } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let t: TestBot;
let shadow: string;
let live: string;
let decisions = 0;

/** The ticker's price from now on: a second later on the desk's clock. */
async function quote(ticker: string, close: string): Promise<void> {
  t.clock.at = new Date(t.clock.at.getTime() + 1000);
  await price(db.dataSource, ticker, close, t.clock.at);
}

/** An operator's decision mirrored to both accounts; the proposal id of each side. */
async function mirror(side: "BUY" | "SELL", ticker: string, quantity: number): Promise<{ shadow: string; live: string }> {
  decisions += 1;
  const result = await mirrorDecision(t.deps.warroom!, {
    source: "operator", ticker, side, quantity, stopPrice: null, sellAll: side === "SELL",
    requestedBy: "tg:102", rationale: "test", idempotencyBase: `compare-${decisions}`,
  });
  const id = (accountId: string) => result.legs.find((l) => l.accountId === accountId)!.proposalId!;
  return { shadow: id(shadow), live: id(live) };
}

const press = (proposalId: string, decision: "a" | "d") => t.press(TRADER_2, `ap:${proposalId}:${decision}`);

beforeAll(async () => {
  shadow = await createAccount(db.dataSource, { name: "Shadow", cash: "100000" });
  live = await createAccount(db.dataSource, { name: "Live", cash: "5000", live: { phase: "small" } });
  // The live side fills at the desk's price: the paper simulator stands in for KIS (this file is about /compare, not KIS).
  t = createTestBot(db.dataSource, { redis, prefix, slippageBps: 0, kisBroker: "paper" });
  // The live account's phase began before the desk's (fixed) clock: the gate counts these decisions.
  await db.dataSource.query(`UPDATE accounts SET phase_started_at = $2 WHERE id = $1`, [live, new Date(t.clock.at.getTime() - 86_400_000)]);

  // BUY NVDA: shadow 10 at 100.00, live 2 (small's $200 a position) at 99.95: live paid less, -5 bps.
  await quote("NVDA", "100");
  const buy = await mirror("BUY", "NVDA", 10);
  await press(buy.shadow, "a");
  await quote("NVDA", "99.95");
  await press(buy.live, "a");
  // BUY ORCL: the live side is denied, so only shadow executes.
  await quote("ORCL", "50");
  const orcl = await mirror("BUY", "ORCL", 4);
  await press(orcl.shadow, "a");
  await press(orcl.live, "d");
  // SELL NVDA (everything held): shadow at 110.00, live at 109.89: live got less, +10 bps.
  await quote("NVDA", "110");
  const sell = await mirror("SELL", "NVDA", 10);
  await press(sell.shadow, "a");
  await quote("NVDA", "109.89");
  await press(sell.live, "a");
});

describe("/compare", () => {
  it("shows fills side by side, slippage in bps, one-sided executions and why, realised P&L per side and the gate", async () => {
    await t.send(VIEWER, "/compare");
    const text = t.telegram.texts(VIEWER).slice(-3).join("\n");
    expect(text).toContain("⚖️ <b>Live vs shadow — last 30 day(s)</b>");
    expect(text).toContain("🔴 LIVE · Live (small) against the shadow side of the same decisions");
    expect(text).toMatch(/• \S+ \S+ ET BUY · Shadow 10 @ 100\.00 · Live 2 @ 99\.95 · -5\.00 bps/);
    expect(text).toMatch(/• \S+ \S+ ET SELL · Shadow 10 @ 110\.00 · Live 2 @ 109\.89 · \+10\.00 bps/);
    expect(text).toMatch(/• \S+ \S+ ET BUY · Shadow 4 @ 50\.00 · Live approval denied/);
    expect(text).toContain("<b>NVDA</b> · 2 decision(s), 2 filled on both sides");
    // Mean of -5 and +10; the tracking error is the mean of their sizes.
    expect(text).toContain("slippage: mean +2.50 bps · tracking error 7.50 bps");
    expect(text).toContain("fills: bought shadow 10 @ 100.00 · live 2 @ 99.95; sold shadow 10 @ 110.00 · live 2 @ 109.89");
    // Shadow: 1,100 − 1 − (1,000 + 1); live: 219.78 − 1 − (199.90 + 1). Commissions are $1 an order.
    expect(text).toContain("realised P&amp;L: shadow $98.00 · live $17.88");
    expect(text).toContain("shares: bought shadow 14 · live 2; sold shadow 10 · live 2");
    expect(text).toContain("one side only: 1 (shadow only 1, live only 0; approval denied 1)");
    expect(text).toContain("<b>Total</b> · 3 decision(s), 2 filled on both sides");
    expect(text).toContain("<b>Tracking-error gate: not yet</b>");
    expect(text).toContain("❌ mirrored decisions filled on both sides: 2 (target &gt;= 10)");
    expect(text).toContain("✅ tracking error (mean |slippage| of live against shadow): 7.50 bps (target &lt;= 50 bps)");
  });

  it("narrows to a ticker and a number of days", async () => {
    await t.send(TRADER, "/compare orcl 7");
    const text = t.telegram.lastText(TRADER);
    expect(text).toContain("last 7 day(s) · ORCL");
    expect(text).not.toContain("<b>NVDA</b>");
    expect(text).toContain("<b>ORCL</b> · 1 decision(s), 0 filled on both sides");
    expect(text).toContain("slippage: n/a (nothing filled on both sides)");
    await t.send(TRADER, "/compare 1 ZZZ");
    expect(t.telegram.lastText(TRADER)).toContain("No mirrored decision in the window for ZZZ.");
  });

  it("answers bad arguments with the usage and nothing else", async () => {
    const cases: [string, string][] = [
      ["/compare NVDA ORCL", "two tickers"],
      ["/compare 7 30", "two numbers of days"],
      ["/compare 0", "days must be from 1 to 365, got 0"],
      ["/compare 366", "days must be from 1 to 365, got 366"],
      ["/compare NVDA 7 x", "too many arguments"],
      ["/compare 株式", "is not a ticker or a number of days"],
      ["/compare -5", "is not a ticker or a number of days"],
    ];
    for (const [command, error] of cases) {
      const before = t.telegram.sent("sendMessage", VIEWER).length;
      await t.send(VIEWER, command);
      const replies = t.telegram.sent("sendMessage", VIEWER).slice(before);
      expect(replies).toHaveLength(1);
      expect(String(replies[0]!.payload.text)).toContain(error);
      expect(String(replies[0]!.payload.text)).toContain("usage: /compare [TICKER] [DAYS]");
    }
  });

  it("is listed in /help for viewers", async () => {
    await t.send(VIEWER, "/help");
    expect(t.telegram.lastText(VIEWER)).toContain("/compare — Live against shadow");
  });
});
