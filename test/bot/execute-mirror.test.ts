import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.js";
import { createTestBot, TRADER, type TestBot } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { MARKET_OPEN, price } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";

/** /execute … --mirror: one operator order sent to every account that trades, each sized and checked on its own. */
const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let t: TestBot;
let shadow: string;
let live: string;

beforeAll(async () => {
  shadow = await createAccount(db.dataSource, { name: "shadow", cash: "100000" });
  live = await createAccount(db.dataSource, { name: "live", cash: "500", live: { phase: "micro" } });
  await price(db.dataSource, "KO", "62.50", new Date(MARKET_OPEN.getTime() - 30_000));
  t = createTestBot(db.dataSource, { redis, prefix, slippageBps: 0 });
});

beforeEach(async () => {
  await db.dataSource.query(`TRUNCATE mirrored_decisions, mirror_legs, proposals, orders, fills CASCADE`);
});

const proposals = () => db.dataSource.query<{ account_id: string; quantity: number; source: string }[]>(`SELECT account_id, quantity, source FROM proposals ORDER BY quantity DESC`);

describe("/execute --mirror", () => {
  it("proposes on every account that trades, the live one capped by its phase, each on its own message naming the account", async () => {
    await t.send(TRADER, "/execute BUY KO 3 --mirror");
    expect(await proposals()).toEqual([
      { account_id: shadow, quantity: 3, source: "operator" },
      { account_id: live, quantity: 1, source: "operator" },
    ]);
    const reply = t.telegram.sent("sendMessage", TRADER).map((c) => String(c.payload.text)).find((text) => text.includes("mirrored:"))!;
    expect(reply).toContain("BUY KO 3, mirrored:");
    expect(reply).toMatch(/paper · shadow.*proposed/);
    expect(reply).toMatch(/LIVE · live.*1 share\(s\) proposed/);
    // One approval message per account and trader: the live one names the account and real money.
    const posted = t.telegram.sent("sendMessage", TRADER).map((c) => String(c.payload.text)).filter((text) => text.includes("Approve") || /LIVE · live|paper · shadow/.test(text));
    expect(posted.some((text) => text.includes("LIVE · live"))).toBe(true);
    const [decision] = await db.dataSource.query<{ source: string; legs: number }[]>(`SELECT m.source, (SELECT count(*)::int FROM mirror_legs l WHERE l.mirror_id = m.id) AS legs FROM mirrored_decisions m`);
    expect(decision).toEqual({ source: "operator", legs: 2 });
  });

  it("a re-delivered command records nothing twice", async () => {
    const update = t.textUpdate(TRADER, "/execute BUY KO 2 --mirror");
    await t.bot.handleUpdate(update);
    await t.bot.handleUpdate({ ...update, update_id: update.update_id + 100_000 });
    expect(await proposals()).toHaveLength(2);
    const [count] = await db.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM mirrored_decisions`);
    expect(count!.n).toBe(1);
  });

  it("refuses --mirror with @account, and a malformed order, with a clear answer and nothing written", async () => {
    await t.send(TRADER, "/execute BUY KO 1 --mirror @live");
    expect(t.telegram.lastText(TRADER)).toContain("--mirror sends the order to every account that trades; drop @live");
    await t.send(TRADER, "/execute HOLD KO 1.5 --mirror");
    expect(t.telegram.lastText(TRADER)).toContain("side must be BUY or SELL, got HOLD; quantity must be a whole number of shares above 0, got 1.5.\nusage: /execute BUY|SELL TICKER QTY [LIMIT|market] [STOP] --mirror");
    await t.send(TRADER, "/execute BUY --mirror");
    expect(t.telegram.lastText(TRADER)).toContain("missing arguments");
    expect(await proposals()).toEqual([]);
    const [count] = await db.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM mirrored_decisions`);
    expect(count!.n).toBe(0);
  });
});
