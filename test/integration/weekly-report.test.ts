import { beforeAll, describe, expect, it } from "vitest";
import { weeklyReportJob } from "../../jobs/weekly-report.js";
import { DeskReaderRepository } from "../../src/adapters/db/repositories/desk-reader-repository.js";
import { RiskHistoryRepository } from "../../src/adapters/db/repositories/risk-history-repository.js";
import { TradeLogRepository } from "../../src/adapters/db/repositories/trade-log-repository.js";
import { haltTrading } from "../../src/app/kill-switch/halt-trading.js";
import { executeOrder } from "../../src/app/orders/execute-order.js";
import type { DeskReport } from "../../src/app/ports/report-publisher.js";
import { buildWeeklyReport, type WeeklyReportDeps } from "../../src/app/reports/weekly-report.js";
import { renderWeeklyReport } from "../../src/adapters/telegram/render/weekly-report.js";
import { Dec } from "../../src/domain/decimal.js";
import { createMarketCalendar } from "../../src/domain/market-calendar.js";
import type { MirroredDecisionRecord, MirrorSide } from "../../src/domain/tracking.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN, price } from "../support/desk.js";

const db = useTestDatabase();
/** Sunday 2026-11-29, 18:00 New York: the review of Monday 23 to Sunday 29 November. */
const SUNDAY = new Date("2026-11-29T23:00:00Z");
const IN_WEEK = "2026-11-24T17:00:00Z";
let accountId: string;

function deps(): WeeklyReportDeps {
  return {
    reader: new DeskReaderRepository(db.dataSource),
    trades: new TradeLogRepository(db.dataSource),
    risk: new RiskHistoryRepository(db.dataSource),
    calendar: createMarketCalendar(),
    clock: { now: () => SUNDAY },
  };
}

beforeAll(async () => {
  accountId = await createAccount(db.dataSource, { name: "Weekly", cash: "10000" });
  await price(db.dataSource, "NKE", "100", new Date(MARKET_OPEN.getTime() - 30_000));
  const execution = { ...executionDeps(db.dataSource, { slippageBps: 0 }), refusals: new RiskHistoryRepository(db.dataSource) };
  const order = (key: string, side: string, quantity: number, limitPrice?: string) =>
    executeOrder(execution, { accountId, idempotencyKey: key, source: "operator", side, ticker: "NKE", quantity, limitPrice: limitPrice ?? null, requestedBy: "tg:1" });
  expect((await order("buy", "BUY", 10)).status).toBe("filled");
  expect((await order("sell", "SELL", 10)).status).toBe("filled");
  // Two refusals: not enough cash (and too concentrated), and a limit far outside the collar.
  expect((await order("huge", "BUY", 1000)).status).toBe("refused");
  expect((await order("collar", "BUY", 1, "150")).status).toBe("refused");
  await haltTrading(execution.killSwitch, { accountId, reason: "operator stop", actor: "tg:7" });
  // The week's facts happened on Tuesday; a refusal from the week before must not count.
  await db.dataSource.query(`UPDATE fills SET filled_at = $1`, [IN_WEEK]);
  await db.dataSource.query(`UPDATE order_refusals SET created_at = $1`, [IN_WEEK]);
  await db.dataSource.query(`UPDATE kill_switch_events SET created_at = $1`, [IN_WEEK]);
  await db.dataSource.query(`INSERT INTO order_refusals (account_id, source, side, ticker, quantity, codes, reasons, requested_by, dry_run, created_at)
    VALUES ($1, 'operator', 'BUY', 'NKE', 1, '{price_collar}', '[]', 'tg:1', false, '2026-11-20T15:00:00Z')`, [accountId]);
  await db.dataSource.query(`INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value, taken_at) VALUES
    ($1, 'end_of_day', '2026-11-20', 10000, 10000, 0, '2026-11-20T21:05:00Z'),
    ($1, 'end_of_day', '2026-11-24', 9998, 9998, 0, '2026-11-24T21:05:00Z')`, [accountId]);
});

describe("the weekly review", () => {
  it("covers Monday to Sunday: trades, P&L, metrics, refusals by rule and halts with reasons", async () => {
    const report = await buildWeeklyReport(deps());
    expect([report.firstDay, report.lastDay]).toEqual(["2026-11-23", "2026-11-29"]);
    const week = report.accounts[0]!;
    expect(week.trades.map((t) => `${t.side} ${t.quantity} @ ${t.price.toFixed(2)}`)).toEqual(["BUY 10 @ 100.00", "SELL 10 @ 100.00"]);
    expect(week.realizedPnl.toFixed(2)).toBe("-2.00");
    expect(week.week.tradeCount).toBe(1);
    expect(report.refusals).toEqual([
      { code: "buying_power", orders: 1 },
      { code: "concentration", orders: 1 },
      { code: "price_collar", orders: 1 },
    ]);
    expect(report.halts).toEqual([expect.objectContaining({ accountName: "Weekly", trigger: "manual", reason: "operator stop", actor: "tg:7" })]);

    const text = renderWeeklyReport(report);
    expect(text).toContain("🗓️ <b>Weekly review — 2026-11-23 to 2026-11-29</b>");
    expect(text).toContain("equity $10,000.00 → $9,998.00 (-$2.00)");
    expect(text).toContain("realised P&amp;L -$2.00 from 2 fill(s)");
    expect(text).toContain("• <code>price_collar</code> refused 1 order(s)");
    expect(report.agents).toBeNull(); // no War Room store given: the section is left out
    expect(text).not.toContain("War Room agents");
    expect(text).toMatch(/<b>Halts: 1<\/b>\n• 2026-11-24 12:00 ET Weekly <code>manual<\/code> by tg:7: operator stop/);
  });

  it("shows each War Room agent's accuracy this week and all time, from the week's Monday", async () => {
    const asked: (Date | undefined)[] = [];
    const warroom = {
      accuracy: (since?: Date) => {
        asked.push(since);
        return Promise.resolve(since ? [{ agent: "trend", scored: 2, correct: 1 }] : [{ agent: "sentiment", scored: 4, correct: 1 }, { agent: "trend", scored: 10, correct: 7 }]);
      },
    };
    const text = renderWeeklyReport(await buildWeeklyReport({ ...deps(), warroom }));
    expect(asked).toEqual([new Date("2026-11-23T05:00:00Z"), undefined]);
    expect(text).toContain("<b>War Room agents (scored votes: this week · all time)</b>\n• <code>sentiment</code> none · 25% of 4\n• <code>trend</code> 50% of 2 · 70% of 10");
  });

  it("is scheduled for Sunday 18:00 New York and pushed to the operators", async () => {
    const sent: DeskReport[] = [];
    const job = weeklyReportJob({ report: deps(), publisher: { toOperators: (r) => (sent.push(r), Promise.resolve({ delivered: 2, failed: 0 })), toChat: () => Promise.resolve() } });
    expect(job.schedule).toEqual({ pattern: "0 18 * * 0", tz: "America/New_York" });
    expect(await job.process({})).toEqual({ week: "2026-11-23..2026-11-29", delivered: 2, failed: 0 });
    expect(sent.map((r) => r.id)).toEqual(["weekly-2026-11-29"]);
  });

  it("shows live against shadow for the week's mirrored decisions, and the tracking-error gate", async () => {
    const live = await createAccount(db.dataSource, { name: "Live", cash: "500", live: { phase: "micro" } });
    await db.dataSource.query(`UPDATE accounts SET phase_started_at = '2026-11-20T15:00:00Z' WHERE id = $1`, [live]);
    const side = (id: string, name: string, mode: "shadow" | "live", quantity: number, price: string): MirrorSide => ({
      accountId: id, accountName: name, mode, openedFrom: null, quantity, outcome: "proposed", reason: "", proposalStatus: "executed", proposalReason: null,
      orderStatus: "filled", orderReason: null, fills: { quantity, value: new Dec(price).times(quantity), realizedPnl: new Dec(0), commission: new Dec(1) },
    });
    const decision = (at: string, livePrice: string): MirroredDecisionRecord => ({
      id: at, at: new Date(at), ticker: "NKE", side: "BUY", sides: [side(accountId, "Weekly", "shadow", 10, "100"), side(live, "Live", "live", 1, livePrice)],
    });
    const asked: Date[] = [];
    const mirrors = {
      decisions: (q: { since: Date }) => {
        asked.push(q.since);
        // The second is after the week (a re-run later): left out of the week, counted by the gate.
        return Promise.resolve([decision(IN_WEEK, "100.05"), decision("2026-11-30T15:00:00Z", "100.10")]);
      },
    };
    const report = await buildWeeklyReport({ ...deps(), tracking: { mirrors, targets: { maxBps: 50, minPairs: 2 } } });
    expect(asked[0]).toEqual(new Date("2026-11-23T05:00:00Z"));
    expect(report.tracking!.comparisons[0]!.pairs).toHaveLength(1);
    const text = renderWeeklyReport(report);
    expect(text).toContain("<b>Live vs shadow this week</b>\n🔴 LIVE · Live (micro) against the shadow side of the same decisions");
    expect(text).toContain("• NKE: 1 decision(s), mean +5.00 bps, tracking error 5.00 bps, one side only 0, P&amp;L shadow $0.00 · live $0.00");
    expect(text).toContain("<b>Tracking-error gate: PASSED ✅</b>");
    expect(text).toContain("✅ tracking error (mean |slippage| of live against shadow): 7.50 bps (target &lt;= 50 bps)");
  });
});
