import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { hashOverrideCode, OverrideCodeVerifier } from "../../src/adapters/security/override-code.js";
import { checkAllAccounts } from "../../src/app/kill-switch/check-triggers.js";
import { syncBrokerFills } from "../../src/app/orders/sync-broker-fills.js";
import { Dec } from "../../src/domain/decimal.js";
import { brokerFor, keyspace, kisEnv, startFake } from "../kis/harness.js";
import { createAccount } from "../support/accounts.js";
import { ADMIN, ADMIN_2, createTestBot, TRADER, TRADER_2, VIEWER, WITH_SECOND_ADMIN, type TestBot } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { flatBar } from "../support/desk.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { seedGoodNews, seedUptrend } from "../support/bullish-story.js";
import { useTestRedis } from "../support/redis.js";
import { seedPassingRecord } from "../support/track-record.js";

/**
 * Issue 14's walk, from the bot, against the KIS fake over HTTP: a shadow record that meets the
 * gate, promotion to live-prep, the checklist turning green item by item, a second admin
 * approving the promotion to micro, the live account armed, a War Room BUY mirrored into two
 * proposals (shadow sized by the chair, live one share), both approved and filled (paper broker;
 * KIS fake), /compare showing the slippage between them, a 2-share live order refused by micro,
 * and a $10 live loss halting the live account only.
 */
const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
const CODE = "path-to-live-code-7";
let fake: KisFake;
let t: TestBot;
let shadow: string;

const rows = <T>(sql: string, params: unknown[] = []) => db.dataSource.query<T[]>(sql, params);
const accountByName = async (name: string) => (await rows<{ id: string; phase: string; mode: string; cash: string; state: string }>(
  `SELECT a.id, a.phase, a.mode, a.cash::text, k.state FROM accounts a JOIN kill_switch_states k ON k.account_id = a.id WHERE a.name = $1`, [name]))[0];



beforeAll(async () => {
  fake = await startFake();
  fake.account.setCash("real", "250.00");
  const kis = brokerFor(fake, redis, "real", keyspace(prefix));
  t = createTestBot(db.dataSource, {
    redis, prefix, slippageBps: 0,
    overrideCode: new OverrideCodeVerifier(await hashOverrideCode(CODE)),
    operators: WITH_SECOND_ADMIN,
    // Orders route by account as in production: paper accounts to the paper broker, the live one to KIS (the fake).
    kisBroker: kis,
    env: kisEnv(fake, "real"),
  });
  shadow = await createAccount(db.dataSource, { name: "shadow", cash: "100000" });
  await seedPassingRecord(db.dataSource, shadow, t.clock.now());
  const last = await seedUptrend(db.dataSource, "NKE", { from: "10", now: t.clock.now() });
  fake.setQuote("NYS", "NKE", { last: last.toFixed(2), base: last.minus(1).toFixed(2), tvol: "1000" });
  await seedGoodNews(db.dataSource, "NKE", t.clock.now());
});
afterAll(async () => {
  await fake?.close();
});

/** The /phase checklist's item lines, "✅ Kill switch tested", … */
async function checklist(): Promise<string[]> {
  await t.send(ADMIN, "/phase");
  return t.telegram.lastText(ADMIN).split("\n").filter((l) => /^(✅|❌) /.test(l)).map((l) => l.replace(/:.*$/, "").replace(/<\/?b>/g, ""));
}
async function confirmWithCode(confirm: string): Promise<void> {
  await t.press(ADMIN, confirm);
  expect(t.telegram.lastText(ADMIN)).toMatch(/^Send the override code/);
  await t.send(ADMIN, CODE);
}
const buttonsOf = (payload: Record<string, unknown>) => (payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] } | undefined)?.inline_keyboard.flat() ?? [];

describe("the path to real money, walked from the bot", () => {
  it("1. the shadow record meets the gate, and an admin promotes it to live-prep: the checklist shows what is missing", async () => {
    await t.send(ADMIN, "/phase");
    expect(t.telegram.lastText(ADMIN)).toContain("<b>Promotion gate: PASSED ✅</b>");
    expect(t.telegram.lastText(ADMIN)).toContain("✅ closed trades: 30 (target &gt;= 30)");
    await t.send(ADMIN, "/phase promote");
    expect(t.telegram.lastText(ADMIN)).toBe("Promote shadow from shadow to live-prep?");
    await confirmWithCode("ph:go:yes");
    expect(t.telegram.lastText(ADMIN)).toMatch(/^✅ shadow promoted: shadow → live-prep/);
    expect(await checklist()).toEqual(["❌ Kill switch tested", "✅ Approvals on", "❌ Alerts delivered to every admin", "❌ Broker check within 24 h", "❌ Broker cash and positions reconciled"]);
  });

  it("2. the checklist items turn green one by one", async () => {
    await t.send(ADMIN, "/phase alerts");
    expect((await checklist())[2]).toBe("✅ Alerts delivered to every admin");
    await t.send(ADMIN, "/halt live-prep drill");
    await t.send(ADMIN, "/resume");
    await t.press(ADMIN, "rs:go:yes");
    await t.send(ADMIN, CODE);
    expect((await checklist())[0]).toBe("✅ Kill switch tested");
    await t.send(ADMIN, "/phase check NKE");
    expect(t.telegram.lastText(ADMIN)).toContain("passed ✅");
    expect(await checklist()).toEqual(["✅ Kill switch tested", "✅ Approvals on", "✅ Alerts delivered to every admin", "✅ Broker check within 24 h", "✅ Broker cash and positions reconciled"]);
  });

  it("3. a second admin approves the promotion to micro: the live account exists, HALTED, and an admin arms it", async () => {
    await t.send(ADMIN, "/phase promote");
    await confirmWithCode("ph:go:yes");
    expect(t.telegram.lastText(ADMIN)).toMatch(/^⏳ Requested: another admin must approve/);
    const request = t.telegram.sent("sendMessage", ADMIN_2).at(-1)!;
    const approve = buttonsOf(request.payload).find((b) => b.text === "Approve")!.callback_data;
    await t.press(ADMIN, approve);
    expect(await accountByName("live")).toBeUndefined();
    await t.press(ADMIN_2, approve);
    expect(await accountByName("live")).toMatchObject({ mode: "live", phase: "micro", cash: "250.00", state: "HALTED" });
    expect((await accountByName("shadow"))!.phase).toBe("live-prep");

    await t.send(ADMIN, "/resume @live");
    await t.press(ADMIN, "rs:go:yes");
    await t.send(ADMIN, CODE);
    expect((await accountByName("live"))!.state).toBe("ACTIVE");
  });

  it("4. a War Room BUY becomes two proposals (shadow sized by the chair, live one share), each approved on its own message, both filled", async () => {
    await t.send(TRADER, "/warroom NKE");
    const reply = t.telegram.lastText(TRADER);
    expect(reply).toMatch(/Decision: BUY<\/b> \d+ shares/);
    const proposals = await rows<{ id: string; name: string; quantity: number }>(`SELECT p.id, a.name, p.quantity FROM proposals p JOIN accounts a ON a.id = p.account_id WHERE p.source = 'warroom' ORDER BY a.name DESC`);
    expect(proposals.map((p) => p.name)).toEqual(["shadow", "live"]);
    expect(proposals[0]!.quantity).toBeGreaterThan(1);
    expect(proposals[1]!.quantity).toBe(1);
    // The live proposal's message names the live account and real money; approving it is its own press.
    const liveMessage = t.telegram.sent("sendMessage", TRADER_2).map((c) => c.payload).find((p) => buttonsOf(p).some((b) => b.callback_data === `ap:${proposals[1]!.id}:a`))!;
    expect(String(liveMessage.text)).toContain("LIVE · live");
    expect(String(liveMessage.text)).toContain("Approving also arms its stop-loss");
    for (const p of proposals) await t.press(TRADER_2, `ap:${p.id}:a`);

    // Shadow filled by the paper broker at once; live sent to KIS over HTTP and filled when the broker reports it.
    // One real-money BUY, sent only after the broker's buying power was read.
    expect(fake.count("/uapi/overseas-stock/v1/trading/inquire-psamount")).toBeGreaterThan(0);
    const posts = fake.requests.filter((r) => r.path === "/uapi/overseas-stock/v1/trading/order");
    expect(posts.map((r) => [r.headers.tr_id, r.body.PDNO, r.body.ORD_QTY])).toEqual([["TTTT1002U", "NKE", "1"]]);
    expect(await syncBrokerFills(t.deps.approvals.execution)).toMatchObject({ booked: 1, failed: 0 });
    const fills = await rows<{ name: string; quantity: number; price: string }>(`SELECT a.name, f.quantity, f.price::text FROM fills f JOIN accounts a ON a.id = f.account_id WHERE f.ticker = 'NKE' ORDER BY a.name DESC`);
    expect(fills.map((f) => [f.name, f.quantity])).toEqual([["shadow", proposals[0]!.quantity], ["live", 1]]);
  });

  it("5. /compare shows live's slippage against shadow", async () => {
    const [shadowFill, liveFill] = await rows<{ price: string }>(`SELECT f.price::text FROM fills f JOIN accounts a ON a.id = f.account_id WHERE f.ticker = 'NKE' ORDER BY a.name DESC`);
    const bps = new Dec(liveFill!.price).minus(shadowFill!.price).div(shadowFill!.price).times(10_000).toDecimalPlaces(2);
    await t.send(TRADER, "/compare");
    const text = t.telegram.lastText(TRADER);
    expect(bps.gt(0)).toBe(true);
    expect(text).toContain(`<b>NKE</b> · 1 decision(s), 1 filled on both sides`);
    expect(text).toContain(`live 1 @ ${new Dec(liveFill!.price).toFixed(2)} · +${bps.toFixed(2)} bps`);
  });

  it("6. a 2-share live order is refused by micro's limit, and nothing reaches the broker", async () => {
    const before = fake.count("/uapi/overseas-stock/v1/trading/order");
    await t.send(TRADER, "/execute BUY NKE 2 @live");
    expect(t.telegram.lastText(TRADER)).toContain("phase micro allows 1 share(s) per order");
    expect(fake.count("/uapi/overseas-stock/v1/trading/order")).toBe(before);
  });

  it("7. a $10 live loss halts the live account only", async () => {
    const now = t.clock.now();
    const [position] = await rows<{ cost_basis: string }>(`SELECT p.cost_basis::text FROM positions p JOIN accounts a ON a.id = p.account_id WHERE a.name = 'live' AND p.ticker = 'NKE'`);
    // Equity = cash + 1 share: the phase began at $250, so a price $10 under the cost loses $10.
    const crash = new Dec(position!.cost_basis).minus(10);
    await new PriceRepository(db.dataSource).upsert([flatBar("NKE", crash.toFixed(2), new Date(now.getTime() - 1000))], "update");
    const { results } = await checkAllAccounts(t.deps.killSwitch, "schedule");
    expect(results.filter((r) => r.halted).map((r) => [r.accountName, r.fired.map((f) => f.trigger)])).toEqual([["live", ["phase_loss"]]]);
    expect((await accountByName("live"))!.state).toBe("HALTED");
    expect((await accountByName("shadow"))!.state).toBe("ACTIVE");
    expect(t.notifier.alerts.at(-1)).toMatchObject({ title: "HALTED live: phase_loss", accountMode: "live" });
    // /status evaluates the same readings now: the live account's phase loss shows as fired. (A
    // viewer asks: the admin has used up the bot's 20 messages a minute on this walk.)
    await t.send(VIEWER, "/status");
    expect(t.telegram.lastText(VIEWER)).toMatch(/🔴 <code>phase_loss<\/code> \$10\.\d\d \(limit \$10\.00/);
  });
});

