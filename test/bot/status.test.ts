import { beforeEach, describe, expect, it } from "vitest";
import { MarketFeedRepository } from "../../src/adapters/db/repositories/market-feed-repository.js";
import { MARKET_OPEN } from "../support/desk.js";
import { holdPosition } from "../support/accounts.js";
import { ADMIN, createTestBot, TRADER, TRADER_2, VIEWER } from "../support/bot.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { auditRows, freshDesk, orders, propose, proposals } from "./fixtures.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();
let accountId: string;

beforeEach(async () => {
  accountId = await freshDesk(db.dataSource, redis, prefix);
});

const TRIGGERS = ["daily_loss", "max_drawdown", "api_error", "position_concentration", "stale_data", "daily_trade_limit"];

describe("/start and /help", () => {
  it("/start greets the operator with their role and the commands they may use", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/start");
    const text = t.telegram.lastText(TRADER);
    expect(text).toContain("you are trader (id 102)");
    expect(text).toContain("/execute");
    expect(text).toContain("/close");
    expect(text).not.toContain("/resume");
    expect(t.telegram.sent("sendMessage", TRADER).at(-1)!.payload.parse_mode).toBe("HTML");
  });

  it("/help lists the commands of each role: a viewer sees no /execute, an admin sees /resume", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(VIEWER, "/help");
    await t.send(ADMIN, "/help");
    const viewer = t.telegram.lastText(VIEWER);
    const admin = t.telegram.lastText(ADMIN);
    expect(viewer).toContain("you are viewer");
    for (const command of ["/status", "/monitor", "/report", "/phase", "/approvals", "/halt", "/cancel", "/help"]) expect(viewer).toContain(command);
    for (const command of ["/execute", "/close", "/resume"]) expect(viewer).not.toContain(command);
    for (const command of ["/status", "/halt", "/execute", "/close", "/resume"]) expect(admin).toContain(command);
  });

  it("an unknown command and plain text get a pointer to /help, and change nothing", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(TRADER, "/frobnicate NKE");
    expect(t.telegram.lastText(TRADER)).toBe("Unknown command. /help lists what you can do.");
    await t.send(TRADER, "buy me some NKE");
    expect(t.telegram.lastText(TRADER)).toBe("I only understand commands. /help lists them.");
    await t.send(TRADER, "/cancel");
    expect(t.telegram.lastText(TRADER)).toBe("Nothing to cancel.");
    expect(await proposals(db.dataSource)).toEqual([]);
    expect(await orders(db.dataSource)).toEqual([]);
  });
});

describe("/status", () => {
  it("shows the account, ACTIVE, one line per trigger reading, positions and pending approvals", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await holdPosition(db.dataSource, accountId, "NKE", 10, "90");
    const proposal = await propose(t, db.dataSource, TRADER);
    await t.send(VIEWER, "/status");
    const text = t.telegram.lastText(VIEWER);
    expect(text).toContain("🟢 <b>Shadow</b> — <b>ACTIVE</b>");
    expect(text).toContain("shadow · paper · phase shadow · can trade");
    const lines = text.split("\n");
    for (const trigger of TRIGGERS) {
      expect(lines.filter((l) => l.includes(`<code>${trigger}</code>`) && /\(limit .*, headroom .*\)/.test(l))).toHaveLength(1);
    }
    expect(text).toContain("🟢 <code>daily_loss</code>");
    expect(text).not.toContain("🔴");
    expect(text).toContain("<b>Positions</b>: 1 (NKE)");
    expect(text).toContain("<b>Pending approvals</b>: 1");
    expect(text).toContain(`• BUY 10 NKE by tg:${TRADER} · expires 11:10 ET <code>${proposal.id.slice(0, 8)}</code>`);
    // A look at the desk writes no order and no audit row of its own.
    expect(await orders(db.dataSource)).toEqual([]);
    expect((await auditRows(db.dataSource)).map((r) => r.action)).toEqual(["tg.order.requested"]);
  });

  it("shows HALTED with the reason, who halted and that the account cannot trade", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    await db.dataSource.query(`UPDATE kill_switch_states SET state = 'HALTED', trigger = 'manual', reason = 'lunch break', actor = 'tg:101'`);
    await t.send(TRADER_2, "/status");
    const text = t.telegram.lastText(TRADER_2);
    expect(text).toContain("🚨 <b>Shadow</b> — <b>HALTED</b> since");
    expect(text).toContain("<b>cannot trade</b>");
    expect(text).toContain("why: lunch break (<code>manual</code>) · by tg:101");
    expect(text).toContain("<b>Positions</b>: 0");
    expect(text).toContain("<b>Pending approvals</b>: 0");
  });

  it("shows a trigger that holds now in red", async () => {
    const t = createTestBot(db.dataSource, { redis, prefix });
    // Started the day at $200,000, now $100,000: a 50% daily loss (limit 5%).
    await db.dataSource.query(
      `INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value) VALUES ($1, 'start_of_day', '2026-11-24', 200000, 200000, 0)`,
      [accountId],
    );
    await t.send(ADMIN, "/status");
    expect(t.telegram.lastText(ADMIN)).toMatch(/🔴 <code>daily_loss<\/code> -50(\.0+)?% \(limit -5%/);
  });

  it("opens with where prices come from: a live feed's state, or what to set when there is none", async () => {
    const feeds = new MarketFeedRepository(db.dataSource);
    await feeds.report({
      name: "alpaca:iex", state: "down", reason: "auth failed: check ALPACA_KEY_ID/ALPACA_SECRET_KEY", since: MARKET_OPEN, followed: 2, refused: {},
      lastTickAt: new Date(MARKET_OPEN.getTime() - 90_000), lastTickTicker: "NVDA", ticks: 10, reportedAt: MARKET_OPEN,
    });
    const live = createTestBot(db.dataSource, { redis, prefix, env: { MARKET_DATA: "alpaca", ALPACA_KEY_ID: "test-key-id", ALPACA_SECRET_KEY: "test-secret-key" } });
    await live.send(ADMIN, "/status");
    expect(live.telegram.lastText(ADMIN).split("\n")[0]).toBe("📡 Market data: alpaca:iex DOWN: auth failed: check ALPACA_KEY_ID/ALPACA_SECRET_KEY, 2 tickers, last trade NVDA 90 s ago");
    const none = createTestBot(db.dataSource, { redis, prefix, env: { MARKET_DATA: "none" } });
    await none.send(ADMIN, "/status");
    expect(none.telegram.lastText(ADMIN).split("\n")[0]).toMatch(/^📡 Market data: none \(prices arrive by import only: set MARKET_DATA/);
  });

  it("says so when there is no account yet", async () => {
    await db.dataSource.query(`TRUNCATE accounts CASCADE`);
    const t = createTestBot(db.dataSource, { redis, prefix });
    await t.send(ADMIN, "/status");
    // Where prices come from opens every /status, accounts or not.
    expect(t.telegram.lastText(ADMIN).split("\n\n")).toEqual(["📡 Market data: none (prices arrive by import only: set MARKET_DATA, see README)", "No account yet."]);
  });
});
