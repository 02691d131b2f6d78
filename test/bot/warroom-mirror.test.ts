import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mirrorDecision } from "../../src/app/orders/mirror-decision.js";
import { syncBrokerFills } from "../../src/app/orders/sync-broker-fills.js";
import { createAccount } from "../support/accounts.js";
import { createTestBot, TRADER, TRADER_2, type TestBot } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { MARKET_OPEN } from "../support/desk.js";
import { seedGoodNews, seedUptrend } from "../support/bullish-story.js";
import { useTestRedis } from "../support/redis.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { brokerFor, keyspace, kisEnv, startFake } from "../kis/harness.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let t: TestBot;
let shadow: string;
let live: string;
let halted: string;
let fake: KisFake;


interface Leg {
  name: string;
  quantity: number | null;
  outcome: string;
  reason: string;
  proposal_id: string | null;
}

async function legsOfLastDecision(): Promise<Leg[]> {
  return db.dataSource.query<Leg[]>(
    `SELECT a.name, l.quantity, l.outcome, l.reason, l.proposal_id FROM mirror_legs l JOIN accounts a ON a.id = l.account_id
     WHERE l.mirror_id = (SELECT id FROM mirrored_decisions ORDER BY created_at DESC LIMIT 1) ORDER BY a.created_at`,
  );
}

/** The Approve button of the newest proposal message in TRADER_2's chat that names `label`. */
function approveButton(label: string): string {
  const posted = t.telegram.sent("sendMessage", TRADER_2).filter((c) => String(c.payload.text).includes(label) && c.payload.reply_markup);
  const markup = posted.at(-1)!.payload.reply_markup as { inline_keyboard: { callback_data: string }[][] };
  return markup.inline_keyboard[0]![0]!.callback_data;
}

/** /warroom NVDA a second after the last one: each decision has its own time on the desk's clock. */
async function warroom(): Promise<void> {
  t.clock.at = new Date(t.clock.at.getTime() + 1000);
  await t.send(TRADER, "/warroom NVDA");
}

const held = async (accountId: string) =>
  ((await db.dataSource.query<{ quantity: number }[]>(`SELECT quantity FROM positions WHERE account_id = $1 AND ticker = 'NVDA'`, [accountId]))[0]?.quantity ?? 0);

beforeAll(async () => {
  shadow = await createAccount(db.dataSource, { name: "Shadow", cash: "100000" });
  live = await createAccount(db.dataSource, { name: "Live", cash: "500", live: { phase: "micro" } });
  halted = await createAccount(db.dataSource, { name: "Halted", cash: "100000", state: "HALTED" });
  const last = await seedUptrend(db.dataSource, "NVDA", { from: "40", now: MARKET_OPEN });
  await seedGoodNews(db.dataSource, "NVDA", MARKET_OPEN);
  // The live account's orders go to KIS, as in production: here the fake, with the account's cash and NVDA at the desk's last price.
  fake = await startFake();
  fake.account.setCash("real", "500.00");
  fake.setQuote("NAS", "NVDA", { last: last.toFixed(2), base: last.minus(1).toFixed(2), tvol: "1000" });
  t = createTestBot(db.dataSource, { redis, prefix, slippageBps: 0, kisBroker: brokerFor(fake, redis, "real", keyspace(prefix)), env: kisEnv(fake, "real") });
});
afterAll(async () => {
  await fake.close();
});

describe("/warroom mirrors its decision to every account that trades", () => {
  it("records a refused leg with its reason for a halted account and for a live account past its phase's loss limit", async () => {
    // $20 lost since micro began: the phase's $10 loss limit refuses every order that adds exposure.
    await db.dataSource.query(`UPDATE accounts SET phase_start_equity = 520 WHERE id = $1`, [live]);
    await warroom();
    const reply = t.telegram.lastText(TRADER);
    expect(reply).toContain("<b>Mirrored to 3 account(s)</b>");
    expect(reply).toMatch(/📨 📄 paper · Shadow: proposed to the traders/);
    expect(reply).toContain("🛑 🔴 LIVE · Live: refused — the loss since phase micro began reached $10.00: trading stops");
    expect(reply).toContain("🛑 📄 paper · Halted: refused — trading is halted: test: halted");

    const legs = await legsOfLastDecision();
    expect(legs.map((l) => [l.name, l.outcome])).toEqual([["Shadow", "proposed"], ["Live", "refused"], ["Halted", "refused"]]);
    expect(legs[1]!.reason).toBe("the loss since phase micro began reached $10.00: trading stops");
    expect(legs[2]!.reason).toBe("trading is halted: test: halted");
    expect(legs[1]!.proposal_id).toBeNull();
  });

  it("proposes on the shadow account as the chair sized it and 1 share on the micro live account; each is approved on its own", async () => {
    await db.dataSource.query(`UPDATE accounts SET phase_start_equity = 500 WHERE id = $1`, [live]);
    await warroom();
    const reply = t.telegram.lastText(TRADER);
    const [session] = await db.dataSource.query<{ id: string; quantity: number }[]>(`SELECT s.id, s.quantity FROM mirrored_decisions m JOIN warroom_sessions s ON s.id = m.warroom_session_id ORDER BY m.created_at DESC, m.id LIMIT 1`);
    expect(session!.quantity).toBeGreaterThan(1);
    expect(reply).toContain(`🔴 LIVE · Live: 1 share(s) proposed to the traders`);
    expect(reply).toContain(`sized 1 of ${session!.quantity}: micro allows 1 share per order`);

    const legs = await legsOfLastDecision();
    expect(legs.map((l) => [l.name, l.outcome, l.quantity])).toEqual([["Shadow", "proposed", session!.quantity], ["Live", "proposed", 1], ["Halted", "refused", session!.quantity]]);
    const proposals = await db.dataSource.query<{ account_id: string; quantity: number; status: string }[]>(
      `SELECT account_id, quantity, status FROM proposals WHERE id = ANY($1) ORDER BY quantity`,
      [legs.flatMap((l) => (l.proposal_id ? [l.proposal_id] : []))],
    );
    expect(proposals).toEqual([
      { account_id: live, quantity: 1, status: "pending" },
      { account_id: shadow, quantity: session!.quantity, status: "pending" },
    ]);

    // Approving the paper side fills the paper side only; live money waits for its own press.
    await t.press(TRADER_2, approveButton("paper · Shadow"));
    expect(t.telegram.callbackAnswers().at(-1)).toMatch(new RegExp(`filled BUY ${session!.quantity} NVDA`));
    expect(await held(live)).toBe(0);
    await t.press(TRADER_2, approveButton("LIVE · Live"));
    // KIS takes the order and fills it on its side; the broker-fills job books the fill.
    expect(t.telegram.callbackAnswers().at(-1)).toMatch(/resting/);
    expect(await syncBrokerFills(t.desk.execution)).toMatchObject({ booked: 1, failed: 0 });
    expect(await held(live)).toBe(1);
    expect(await held(halted)).toBe(0);

    // Mirroring the same session again doubles nothing: no decision, leg, proposal or message more.
    const count = async () => (await db.dataSource.query<{ n: string }[]>(`SELECT (SELECT count(*) FROM mirrored_decisions) || '/' || (SELECT count(*) FROM mirror_legs) || '/' || (SELECT count(*) FROM proposals) AS n`))[0]!.n;
    const before = await count();
    const posts = t.telegram.sent("sendMessage").length;
    const again = await mirrorDecision(t.deps.warroom!, {
      source: "warroom", warroomSessionId: session!.id, idempotencyBase: `warroom-${session!.id}`, ticker: "NVDA", side: "BUY",
      quantity: session!.quantity, stopPrice: null, requestedBy: "tg:102", rationale: "again",
    });
    expect(again.created).toBe(false);
    expect(again.legs.map((l) => [l.accountName, l.outcome, l.recorded])).toEqual([["Shadow", "proposed", false], ["Live", "proposed", false], ["Halted", "refused", false]]);
    expect(await count()).toBe(before);
    expect(t.telegram.sent("sendMessage").length).toBe(posts);
  });

  it("sizes nothing for the live account when one share is more than its phase's headroom", async () => {
    // The shadow account bought up to the War Room's position limit (WARROOM_MAX_POSITION_PCT):
    // with more cash it has room again, so the chair buys more and mirrors the decision.
    await db.dataSource.query(`UPDATE accounts SET cash = cash + 100000, starting_capital = starting_capital + 100000 WHERE id = $1`, [shadow]);
    const decisions = async () => Number((await db.dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM mirrored_decisions`))[0]!.n);
    const before = await decisions();
    await warroom();
    expect(await decisions()).toBe(before + 1);
    const legs = await legsOfLastDecision();
    // Live holds one share (about $97) of micro's $100.
    expect(legs[1]).toMatchObject({ name: "Live", outcome: "not_sized", quantity: null });
    expect(legs[1]!.reason).toMatch(/^micro allows \$100 of exposure, \$\d+(\.\d\d)? is held; one NVDA is \$\d+(\.\d\d)?$/);
    expect(t.telegram.lastText(TRADER)).toContain("▫️ 🔴 LIVE · Live: not sized — micro allows $100 of exposure");
  });
});
