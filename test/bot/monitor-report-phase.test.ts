import { beforeEach, describe, expect, it } from "vitest";
import { holdPosition } from "../support/accounts.js";
import { ADMIN, createTestBot, TRADER, VIEWER } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { price } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";
import { auditRows, FRESH, freshDesk, orders, proposals } from "./fixtures.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let accountId: string;

/** Three positions, one per stop state: NKE Safe, ADBE Near (within 2%), CSCO Hit. */
async function book(): Promise<void> {
  await price(db.dataSource, "ADBE", "200", FRESH);
  await price(db.dataSource, "CSCO", "50", FRESH);
  await holdPosition(db.dataSource, accountId, "NKE", 10, "90");
  await holdPosition(db.dataSource, accountId, "ADBE", 5, "210");
  await holdPosition(db.dataSource, accountId, "CSCO", 20, "55");
  await db.dataSource.query(`UPDATE positions SET stop_price = CASE ticker WHEN 'NKE' THEN 95 WHEN 'ADBE' THEN 197 ELSE 52 END`);
}

beforeEach(async () => {
  accountId = await freshDesk(db.dataSource, redis, prefix);
  await book();
});

describe("/monitor", () => {
  it("shows cash, equity, and each position with quantity, average, last, unrealised P&L, stop and Safe/Near/Hit", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(VIEWER, "/monitor");
    const text = t.telegram.lastText(VIEWER);
    expect(text).toContain("<b>Shadow monitor</b> · shadow · 2026-11-24 11:00 ET");
    // Cash 100,000; positions 1,000 + 1,000 + 1,000.
    expect(text).toContain("cash $100,000.00 · positions $3,000.00 · equity <b>$103,000.00</b>");
    expect(text).toContain("<b>Positions (3)</b>");
    expect(text).toContain("<code>NKE</code> 10 @ 90.00 → 100.00 · +$100.00 (+11.11%)\n   stop 95.00 (5.00% away) 🟢 Safe");
    expect(text).toContain("<code>ADBE</code> 5 @ 210.00 → 200.00 · -$50.00 (-4.76%)\n   stop 197.00 (1.50% away) 🟠 Near");
    expect(text).toContain("<code>CSCO</code> 20 @ 55.00 → 50.00 · -$100.00 (-9.09%)\n   stop 52.00 (-4.00% away) 🔴 Hit");
    expect(text).toContain("total unrealised -$50.00");
    expect(text).toContain("<b>Metrics (since inception)</b>");
    expect(t.telegram.sent("sendMessage", VIEWER).at(-1)!.payload.parse_mode).toBe("HTML");
  });

  it("shows a position without a stop as such, and a ticker without any price at cost", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await holdPosition(db.dataSource, accountId, "ZZZ", 3, "10");
    await db.dataSource.query(`UPDATE positions SET stop_price = NULL WHERE ticker = 'NKE'`);
    await t.send(TRADER, "/monitor");
    const text = t.telegram.lastText(TRADER);
    expect(text).toContain("<code>NKE</code> 10 @ 90.00 → 100.00 · +$100.00 (+11.11%)\n   no stop ⚪");
    expect(text).toContain("<code>ZZZ</code> 3 @ 10.00 → no price · n/a");
    expect(text).toContain("⚠️ 1 position(s) have no price and count at cost");
  });
});

describe("/phase", () => {
  it("shows the phase, day N/90 and each line of the promotion gate", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(VIEWER, "/phase");
    const text = t.telegram.lastText(VIEWER);
    expect(text).toContain("<b>Shadow: phase shadow</b> (shadow) · day 2/90");
    expect(text).toContain("started 2026-11-23 10:00 ET with $100,000.00 · now $103,000.00 · +$3,000.00 (+3.00%)");
    expect(text).toContain("<b>Promotion gate: not yet</b>");
    expect(text).toContain("❌ days of record: 2 (target &gt;= 90)");
    expect(text).toContain("❌ closed trades: 0 (target &gt;= 30)");
    for (const label of ["win rate", "profit factor", "max drawdown"]) expect(text).toMatch(new RegExp(`❌ ${label}: .* \\(target &gt;= `));
    expect(text).toContain("<b>Metrics (this phase)</b>");
  });
});

describe("/report", () => {
  it("has the monitor, the status and the phase sections, in one reply under Telegram's limit", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(ADMIN, "/report");
    const sent = t.telegram.sent("sendMessage", ADMIN);
    expect(sent).toHaveLength(1);
    const text = String(sent[0]!.payload.text);
    expect(text.startsWith("📊 <b>Daily report — 2026-11-24</b>")).toBe(true);
    // The monitor section...
    expect(text).toContain("<b>Shadow monitor</b>");
    expect(text).toContain("stop 197.00 (1.50% away) 🟠 Near");
    // ...the status section...
    expect(text).toContain("🟢 <b>Shadow</b> — <b>ACTIVE</b>");
    expect(text).toContain("<code>daily_trade_limit</code>");
    expect(text).toContain("<b>Positions</b>: 3 (ADBE, CSCO, NKE)");
    // ...and the phase section, in that order.
    expect(text).toContain("day 2/90");
    expect(text.indexOf("Shadow monitor")).toBeLessThan(text.indexOf("<b>Triggers</b>"));
    expect(text.indexOf("<b>Triggers</b>")).toBeLessThan(text.indexOf("Promotion gate"));
    expect(text.length).toBeLessThanOrEqual(4096);
  });

  it("writes nothing: no order, no proposal, no audit row", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    for (const command of ["/report", "/monitor", "/phase", "/status"]) await t.send(VIEWER, command);
    expect(t.telegram.texts(VIEWER)).toHaveLength(4);
    expect(await orders(db.dataSource)).toEqual([]);
    expect(await proposals(db.dataSource)).toEqual([]);
    expect(await auditRows(db.dataSource)).toEqual([]);
  });
});
