import { beforeAll, describe, expect, it } from "vitest";
import { DeskReaderRepository } from "../../src/adapters/db/repositories/desk-reader-repository.js";
import { EquityMarkRepository } from "../../src/adapters/db/repositories/equity-mark-repository.js";
import { ProposalRepository } from "../../src/adapters/db/repositories/proposal-repository.js";
import { SnapshotRepository } from "../../src/adapters/db/repositories/snapshot-repository.js";
import { TradeLogRepository } from "../../src/adapters/db/repositories/trade-log-repository.js";
import { TradingGateRepository } from "../../src/adapters/db/repositories/trading-gate-repository.js";
import { whenAdmitted } from "../../src/app/orders/order-guard.js";
import { preTradeView } from "../../src/app/orders/pre-trade-view.js";
import type { ChartRenderer } from "../../src/app/ports/chart-renderer.js";
import { buildDailyReport } from "../../src/app/reports/daily-report.js";
import { equityChartSpec } from "../../src/app/reports/chart-spec.js";
import { buildMonitorView } from "../../src/app/views/monitor-view.js";
import { renderDailyReport } from "../../src/adapters/telegram/render/daily-report.js";
import { Dec } from "../../src/domain/decimal.js";
import { evaluateTriggers, maxDrawdown, type AccountSnapshot } from "../../src/domain/kill-switch/triggers.js";
import { createMarketCalendar, tradingDaysBetween } from "../../src/domain/market-calendar.js";
import type { EquityPoint } from "../../src/domain/metrics.js";
import { drawdownSeries } from "../../src/domain/portfolio/drawdown.js";
import { createLogger } from "../../src/logger.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { killSwitchDeps, MARKET_OPEN, price } from "../support/desk.js";

/**
 * Issue 16: the kill switch once valued an unpriced position at 0 while the gate, the marks and
 * /monitor valued it at cost, so the switch could halt on a drawdown the monitor did not show.
 * Every reader of equity now goes through the domain's accountValuation.
 *
 * The account (worked by hand):
 *   cash                                 10,000
 *   PRC  10 shares, newest close 110.25   1,102.50   (cost 1,000: the price is what counts)
 *   NOPX  5 shares at 23.90, no price        119.50   (at cost)
 *   equity                               11,222
 * Peak equity 12,400: drawdown (11,222 - 12,400) / 12,400 = -1,178 / 12,400 = -9.5% exactly,
 * inside the 10% limit. Under the old 0-rule the switch saw 11,102.50, a drawdown of
 * -1,297.5 / 12,400 = -10.46%, and would have halted the account alone.
 *
 * Its record (issue 16 item 2: one drawdown, one count of days): opened with 10,000 on Thursday
 * 19 November 2026 (shadow phase from then), closes 11,600 on Friday the 20th, 12,400 on Monday
 * the 23rd, and today's 11,222. The deepest fall of that curve is today's -9.5%, the same number
 * the kill switch reads from its stored peak; the days of record are 19, 20, 23 and 24: 4 trading
 * days (6 calendar days).
 */

const db = useTestDatabase();
const TODAY = "2026-11-24";
const EQUITY = "11222";
const PEAK = "12400";
const OPENED = "2026-11-19T21:00:00Z";
const DRAWDOWN = "-0.095";
const d = (v: string) => new Dec(v);
let accountId: string;

function expectDec(actual: Dec | null | undefined, expected: string, what: string): void {
  expect(actual instanceof Dec && actual.equals(d(expected)), `${what}: expected ${expected}, got ${actual?.toFixed() ?? String(actual)}`).toBe(true);
}

beforeAll(async () => {
  accountId = await createAccount(db.dataSource, { cash: "10000" });
  await holdPosition(db.dataSource, accountId, "PRC", 10, "100");
  await holdPosition(db.dataSource, accountId, "NOPX", 5, "23.90");
  await price(db.dataSource, "PRC", "110.25", new Date(MARKET_OPEN.getTime() - 60_000));
  await db.dataSource.query(`UPDATE kill_switch_states SET peak_equity = $2 WHERE account_id = $1`, [accountId, PEAK]);
  // Dated, so the record (and its days) never depends on the day the test runs.
  await db.dataSource.query(`UPDATE accounts SET created_at = $2, phase_started_at = $2 WHERE id = $1`, [accountId, OPENED]);
  await db.dataSource.query(
    `INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value, taken_at) VALUES
       ($1, 'end_of_day', '2026-11-20', 11600, 11600, 0, '2026-11-20T21:05:00Z'),
       ($1, 'end_of_day', '2026-11-23', $2, $2, 0, '2026-11-23T21:05:00Z')`,
    [accountId, PEAK],
  );
});

describe("one valuation of an account's equity", () => {
  it("the kill switch, /monitor, the daily report (text and chart), the trading and promotion gates and the marks agree on equity, drawdown and days with an unpriced position", async () => {
    // The kill switch's view, as check-triggers loads it (its first look also fixes today's start-of-day mark).
    const ks = killSwitchDeps(db.dataSource);
    const loaded = await new SnapshotRepository(db.dataSource).load({ accountId, tradingDay: TODAY, marketOpen: true, now: MARKET_OPEN, fixStartOfDay: true });
    if (!loaded) throw new Error("the account's snapshot did not load");
    const killSwitchEquity = loaded.snapshot.equity;
    // Today's close, which the report and the record read (the close mark comes before the 16:15 report).
    await new EquityMarkRepository(db.dataSource).markAll("end_of_day", TODAY, new Date("2026-11-24T21:05:00Z"));

    const reader = new DeskReaderRepository(db.dataSource);
    const monitor = await buildMonitorView({ reader, calendar: createMarketCalendar(), clock: { now: () => MARKET_OPEN }, nearStopPct: d("3") }, accountId);
    if (!monitor) throw new Error("the monitor view did not build");

    const report = await buildDailyReport({
      reader,
      killSwitch: ks,
      proposals: new ProposalRepository(db.dataSource),
      trades: new TradeLogRepository(db.dataSource),
      nearStopPct: d("3"),
    });
    const reported = report.accounts.find((a) => a.monitor.accountId === accountId);
    if (!reported) throw new Error("the daily report left the account out");

    const gate = await whenAdmitted(new TradingGateRepository(db.dataSource), accountId, false, async (tx) => preTradeView(await tx.preTradeRows("PRC", TODAY, "equity-one-rule")));
    if (!gate.allowed) throw new Error(`the gate refused: ${gate.reason}`);

    const marks = await db.dataSource.query<{ kind: string; equity: string; cash: string; positions_value: string }[]>(
      `SELECT kind, equity::text, cash::text, positions_value::text FROM equity_snapshots WHERE account_id = $1 AND trading_day = $2 ORDER BY kind`,
      [accountId, TODAY],
    );

    const equities: [string, Dec | null | undefined][] = [
      ["kill switch", killSwitchEquity],
      ["/monitor", monitor.capital.equity],
      ["/phase", monitor.phaseView.equity],
      ["daily report", reported.monitor.capital.equity],
      ["trading gate", gate.value.equity],
      ["end-of-day mark", d(marks.find((m) => m.kind === "end_of_day")!.equity)],
      ["start-of-day mark", d(marks.find((m) => m.kind === "start_of_day")!.equity)],
    ];
    for (const [what, equity] of equities) expectDec(equity, EQUITY, what);

    // Both marks store the split too: positions 1,102.50 + 119.50 = 1,222.
    expect(marks).toEqual([
      { kind: "end_of_day", equity: "11222.0000", cash: "10000.0000", positions_value: "1222.0000" },
      { kind: "start_of_day", equity: "11222.0000", cash: "10000.0000", positions_value: "1222.0000" },
    ]);
    expect(monitor.capital.unpricedPositions).toBe(1);
    expectDec(monitor.capital.positionsValue, "1222", "/monitor positions value");
    // The gate values each position by the same rule (its concentration check uses these).
    expectDec(gate.value.positions.get("PRC")?.value, "1102.5", "gate PRC");
    expectDec(gate.value.positions.get("NOPX")?.value, "119.5", "gate NOPX");

    // Drawdown from the peak, by the kill switch's own reading, then from each other equity: -9.5%, not fired.
    const readings = evaluateTriggers(loaded.snapshot, ks.thresholds);
    expect(readings.find((r) => r.trigger === "max_drawdown")).toMatchObject({ value: "-9.5000", fired: false });
    for (const [what, equity] of equities) {
      const snapshot: AccountSnapshot = { ...loaded.snapshot, equity: equity! };
      expect(maxDrawdown(snapshot, ks.thresholds), what).toMatchObject({ value: "-9.5000", fired: false });
    }
    expect(reported.status?.readings.find((r) => r.trigger === "max_drawdown")).toMatchObject({ value: "-9.5000", fired: false });

    // The drawdown of the record: the metrics behind /monitor (since inception), /phase, the daily
    // report and the promotion gate, and the report's chart, all read -9.5% off the same curve.
    const drawdowns: [string, Dec | null | undefined][] = [
      ["/monitor", monitor.metrics.maxDrawdown],
      ["/phase", monitor.phaseView.metrics.maxDrawdown],
      ["daily report", reported.monitor.metrics.maxDrawdown],
      ["daily report phase", reported.monitor.phaseView.metrics.maxDrawdown],
      ["kill switch (percent)", d(readings.find((r) => r.trigger === "max_drawdown")!.value).div(100)],
    ];
    for (const [what, drawdown] of drawdowns) expectDec(drawdown, DRAWDOWN, what);
    expect(reported.curve.map((p) => [p.day, p.equity.toFixed()])).toEqual([["2026-11-20", "11600"], ["2026-11-23", PEAK], [TODAY, EQUITY]]);
    // The kill switch's stored peak is the curve's running peak.
    expectDec(drawdownSeries(reported.curve, reported.startingEquity).at(-1)!.peak, PEAK, "the curve's peak");
    const gateDrawdown = reported.monitor.phaseView.gate?.checks.find((c) => c.gate === "max_drawdown");
    expect(gateDrawdown).toMatchObject({ value: "-9.50%", passed: true });

    // The chart the daily-report job draws, from what the renderer hands the chart renderer.
    const drawn: { points: readonly EquityPoint[]; startingEquity: Dec }[] = [];
    const charts: ChartRenderer = {
      equityChart: async (points, options) => {
        drawn.push({ points, startingEquity: options.startingEquity });
        return Buffer.from("png");
      },
    };
    await renderDailyReport({ ...report, accounts: [reported] }, charts, createLogger("silent"));
    expect(drawn).toHaveLength(1);
    for (const chart of [drawn[0]!, { points: reported.curve, startingEquity: reported.startingEquity }]) {
      const spec = equityChartSpec(chart.points, { title: "t", width: 800, height: 500, startingEquity: chart.startingEquity }) as {
        title: { subtitle: string };
        data: { values: { drawdown: number }[] };
      };
      expect(spec.title.subtitle).toContain("max drawdown -9.5%");
      expect(Math.min(...spec.data.values.map((v) => v.drawdown))).toBe(Number(DRAWDOWN));
    }

    // Days of record: trading days, the same count for /phase, the daily report and the gate.
    expect(tradingDaysBetween(createMarketCalendar(), "2026-11-19", TODAY)).toBe(4);
    expect(monitor.phaseView.day).toBe(4);
    expect(reported.monitor.phaseView.day).toBe(4);
    expect(reported.monitor.phaseView.gate?.checks.find((c) => c.gate === "days")).toMatchObject({ value: "4", passed: false });

    // Still fail-closed: the unpriced holding fires concentration and stale data on its own.
    expect(readings.find((r) => r.trigger === "position_concentration")).toMatchObject({ fired: true, detail: "NOPX has no price" });
    expect(readings.find((r) => r.trigger === "stale_data")).toMatchObject({ fired: true, detail: "NOPX has no price" });
  });
});
