import { beforeAll, describe, expect, it } from "vitest";
import { DeskReaderRepository } from "../../src/adapters/db/repositories/desk-reader-repository.js";
import { EquityMarkRepository } from "../../src/adapters/db/repositories/equity-mark-repository.js";
import { ProposalRepository } from "../../src/adapters/db/repositories/proposal-repository.js";
import { SnapshotRepository } from "../../src/adapters/db/repositories/snapshot-repository.js";
import { TradeLogRepository } from "../../src/adapters/db/repositories/trade-log-repository.js";
import { TradingGateRepository } from "../../src/adapters/db/repositories/trading-gate-repository.js";
import { whenAdmitted } from "../../src/app/orders/order-guard.js";
import { preTradeView } from "../../src/app/orders/pre-trade-view.js";
import { buildDailyReport } from "../../src/app/reports/daily-report.js";
import { buildMonitorView } from "../../src/app/views/monitor-view.js";
import { Dec } from "../../src/domain/decimal.js";
import { evaluateTriggers, maxDrawdown, type AccountSnapshot } from "../../src/domain/kill-switch/triggers.js";
import { createMarketCalendar } from "../../src/domain/market-calendar.js";
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
 */

const db = useTestDatabase();
const TODAY = "2026-11-24";
const EQUITY = "11222";
const PEAK = "12400";
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
});

describe("one valuation of an account's equity", () => {
  it("the kill switch, /monitor, the daily report, the gate and the end-of-day mark agree on equity and drawdown with an unpriced position", async () => {
    // The kill switch's view, as check-triggers loads it (its first look also fixes today's start-of-day mark).
    const ks = killSwitchDeps(db.dataSource);
    const loaded = await new SnapshotRepository(db.dataSource).load({ accountId, tradingDay: TODAY, marketOpen: true, now: MARKET_OPEN, fixStartOfDay: true });
    if (!loaded) throw new Error("the account's snapshot did not load");
    const killSwitchEquity = loaded.snapshot.equity;

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

    await new EquityMarkRepository(db.dataSource).markAll("end_of_day", TODAY, new Date("2026-11-24T21:05:00Z"));
    const marks = await db.dataSource.query<{ kind: string; equity: string; cash: string; positions_value: string }[]>(
      `SELECT kind, equity::text, cash::text, positions_value::text FROM equity_snapshots WHERE account_id = $1 ORDER BY kind`,
      [accountId],
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

    // Still fail-closed: the unpriced holding fires concentration and stale data on its own.
    expect(readings.find((r) => r.trigger === "position_concentration")).toMatchObject({ fired: true, detail: "NOPX has no price" });
    expect(readings.find((r) => r.trigger === "stale_data")).toMatchObject({ fired: true, detail: "NOPX has no price" });
  });
});
