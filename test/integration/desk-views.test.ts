import { describe, expect, it } from "vitest";
import { DeskReaderRepository } from "../../src/adapters/db/repositories/desk-reader-repository.js";
import { ProposalRepository } from "../../src/adapters/db/repositories/proposal-repository.js";
import { KillSwitchRepository } from "../../src/adapters/db/repositories/kill-switch-repository.js";
import { buildMonitorView, buildPhaseView, type MonitorDeps } from "../../src/app/views/monitor-view.js";
import { buildStatusView, type StatusViewDeps } from "../../src/app/views/status-view.js";
import { Dec } from "../../src/domain/decimal.js";
import { createMarketCalendar } from "../../src/domain/market-calendar.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { killSwitchDeps, MARKET_OPEN, price } from "../support/desk.js";

const db = useTestDatabase();
// Tuesday 2026-11-24, 11:00 New York: the market is open.
const NOW = MARKET_OPEN;
const TODAY = "2026-11-24";
const MINUTE = 60_000;
/** Monday 2026-11-02, 10:00 New York: 17 trading days before TODAY, both counted. */
const NOV_2 = new Date("2026-11-02T15:00:00Z");

const d = (v: string) => new Dec(v);
/** Exact decimal equality, with both sides in the message when it fails. */
function expectDec(actual: Dec | null | undefined, expected: string | Dec): void {
  const want = new Dec(expected);
  expect(actual instanceof Dec && actual.equals(want), `expected ${want.toFixed()}, got ${actual?.toFixed() ?? String(actual)}`).toBe(true);
}

function monitorDeps(): MonitorDeps {
  return { reader: new DeskReaderRepository(db.dataSource), calendar: createMarketCalendar(), clock: { now: () => NOW }, nearStopPct: d("3") };
}

function statusDeps(overrides: Partial<StatusViewDeps["killSwitch"]> = {}): StatusViewDeps {
  const ks = killSwitchDeps(db.dataSource, { clock: { now: () => NOW } });
  return {
    reader: new DeskReaderRepository(db.dataSource),
    killSwitch: { store: ks.store, snapshots: ks.snapshots, calendar: ks.calendar, clock: ks.clock, thresholds: ks.thresholds, ...overrides },
    proposals: new ProposalRepository(db.dataSource),
  };
}

async function sql(text: string, values: unknown[] = []): Promise<void> {
  await db.dataSource.query(text, values);
}

/** Account and phase both began at `at` (fixtures otherwise get the real now()). */
async function startedAt(accountId: string, at: Date, phaseAt = at): Promise<void> {
  await sql(`UPDATE accounts SET created_at = $2, phase_started_at = $3 WHERE id = $1`, [accountId, at, phaseAt]);
}

async function setStop(accountId: string, ticker: string, stop: string): Promise<void> {
  await sql(`UPDATE positions SET stop_price = $3 WHERE account_id = $1 AND ticker = $2`, [accountId, ticker, stop]);
}

async function snapshot(accountId: string, kind: "start_of_day" | "end_of_day", day: string, equity: string, takenAt: Date): Promise<void> {
  await sql(`INSERT INTO equity_snapshots (account_id, kind, trading_day, equity, cash, positions_value, taken_at) VALUES ($1, $2, $3, $4, $4, 0, $5)`, [
    accountId, kind, day, equity, takenAt,
  ]);
}

let orderCount = 0;
/** One filled order and its fill; a BUY carries no realized P&L. */
async function fill(accountId: string, ticker: string, side: "BUY" | "SELL", realizedPnl: string | null, at: Date): Promise<void> {
  orderCount += 1;
  const [order] = await db.dataSource.query(
    `INSERT INTO orders (account_id, idempotency_key, source, side, ticker, quantity, order_type, status, filled_quantity, requested_by, trading_day)
     VALUES ($1, $2, 'operator', $3, $4, 1, 'market', 'filled', 1, 'tg:1', $5) RETURNING id`,
    [accountId, `views-${orderCount}`, side, ticker, at.toISOString().slice(0, 10)],
  );
  await sql(`INSERT INTO fills (order_id, account_id, ticker, side, quantity, price, commission, realized_pnl, filled_at) VALUES ($1, $2, $3, $4, 1, 100, 0, $5, $6)`, [
    order.id, accountId, ticker, side, realizedPnl, at,
  ]);
}

describe("monitor view", () => {
  it("values positions against their stops, the day against its start, and the record from its trades and closes", async () => {
    const account = await createAccount(db.dataSource, { cash: "10000" });
    await startedAt(account, NOV_2);
    await holdPosition(db.dataSource, account, "NVDA", 10, "100");
    await setStop(account, "NVDA", "95");
    await price(db.dataSource, "NVDA", "100", new Date(NOW.getTime() - 60 * MINUTE));
    await price(db.dataSource, "NVDA", "110", new Date(NOW.getTime() - MINUTE)); // the newest one counts
    await holdPosition(db.dataSource, account, "AAPL", 20, "50");
    await setStop(account, "AAPL", "49"); // 2% under 50: inside the 3% band
    await price(db.dataSource, "AAPL", "50", new Date(NOW.getTime() - MINUTE));
    await holdPosition(db.dataSource, account, "TSLA", 5, "200");
    await setStop(account, "TSLA", "190");
    await price(db.dataSource, "TSLA", "185", new Date(NOW.getTime() - MINUTE));
    await holdPosition(db.dataSource, account, "NOPX", 3, "10"); // never priced
    await setStop(account, "NOPX", "9");
    await holdPosition(db.dataSource, account, "FLAT", 0, "1"); // flat: not listed
    await snapshot(account, "start_of_day", TODAY, "13000", new Date(NOW.getTime() - 120 * MINUTE));
    await fill(account, "MSFT", "BUY", null, new Date("2026-11-10T15:00:00Z"));
    await fill(account, "MSFT", "SELL", "60", new Date("2026-11-12T15:00:00Z"));
    await fill(account, "MSFT", "SELL", "-20", new Date("2026-11-13T15:00:00Z"));
    await snapshot(account, "end_of_day", "2026-11-19", "10000", new Date("2026-11-19T21:05:00Z"));
    await snapshot(account, "end_of_day", "2026-11-20", "10100", new Date("2026-11-20T21:05:00Z"));
    await snapshot(account, "end_of_day", "2026-11-23", "10050", new Date("2026-11-23T21:05:00Z"));

    const view = (await buildMonitorView(monitorDeps(), account))!;
    expect(view).toMatchObject({ accountId: account, phase: "shadow", mode: "shadow", currency: "USD", tradingDay: TODAY, marketOpen: true, asOf: NOW });
    expect(view.positions.map((p) => [p.ticker, p.priced, p.stopStatus])).toEqual([
      ["AAPL", true, "Near"],
      ["NOPX", false, null],
      ["NVDA", true, "Safe"],
      ["TSLA", true, "Hit"],
    ]);
    const [aapl, nopx, nvda, tsla] = view.positions;
    expect(nvda!.quantity).toBe(10);
    expectDec(nvda!.averagePrice, "100");
    expectDec(nvda!.lastPrice, "110");
    expect(nvda!.priceTime).toEqual(new Date(NOW.getTime() - MINUTE));
    expectDec(nvda!.marketValue, "1100");
    expectDec(nvda!.unrealizedPnl, "100");
    expect(nvda!.unrealizedPnl!.toFixed(2)).toBe("100.00");
    expectDec(nvda!.unrealizedPnlPct, "10");
    expectDec(nvda!.stopPrice, "95");
    expectDec(nvda!.stopDistancePct, d("15").div(110).times(100)); // 13.6363...%
    expect(nvda!.stopDistancePct!.toFixed(4)).toBe("13.6364");
    expectDec(aapl!.stopDistancePct, "2");
    expectDec(aapl!.unrealizedPnl, "0");
    expectDec(tsla!.unrealizedPnl, "-75");
    expectDec(tsla!.unrealizedPnlPct, "-7.5");
    expect(tsla!.stopDistancePct!.toFixed(4)).toBe("-2.7027");
    // Unpriced: valued at cost, no P&L and no stop reading rather than a made-up one.
    expect(nopx).toMatchObject({ lastPrice: null, priceTime: null, unrealizedPnl: null, unrealizedPnlPct: null, stopDistancePct: null });
    expectDec(nopx!.marketValue, "30");

    // 1100 + 1000 + 925 + 30 (at cost) = 3055; cash 10,000; start of day 13,000.
    expectDec(view.capital.cash, "10000");
    expectDec(view.capital.positionsValue, "3055");
    expectDec(view.capital.equity, "13055");
    expect(view.capital.unpricedPositions).toBe(1);
    expectDec(view.capital.startOfDayEquity, "13000");
    expectDec(view.capital.dayPnl, "55");
    expectDec(view.capital.dayPnlPct, d("55").div(13000).times(100));
    expect(view.capital.dayPnlPct!.toFixed(4)).toBe("0.4231");
    expectDec(view.totals.costBasis, "3030");
    expectDec(view.totals.marketValue, "3055");
    expectDec(view.totals.unrealizedPnl, "25"); // 100 + 0 - 75; the unpriced one adds nothing
    expectDec(view.totals.unrealizedPnlPct, d("25").div(3000).times(100));

    // Two SELLs (+60, -20); the BUY is not a closed trade. Closes 10,000, 10,100, 10,050 from 10,000.
    const m = view.metrics;
    expect(m.tradeCount).toBe(2);
    expectDec(m.winRate, "0.5");
    expectDec(m.profitFactor as Dec, "3");
    expectDec(m.averageWin, "60");
    expectDec(m.averageLoss, "-20");
    expectDec(m.expectancy, "20");
    expectDec(m.totalReturn, "0.005");
    expectDec(m.maxDrawdown, d("10050").minus("10100").div("10100")); // (equity - peak) / peak: portfolio/drawdown.ts
    const [r1, r2] = [d("0.01"), d("10050").div("10100").minus(1)];
    const mean = r1.plus(r2).div(2);
    const deviation = r1.minus(mean).pow(2).plus(r2.minus(mean).pow(2)).sqrt(); // sample variance over n - 1 = 1
    expectDec(m.sharpe, mean.div(deviation).times(d("252").sqrt()));

    // The phase began with the account: day 17 of shadow, the same record, and a failing gate.
    const phase = view.phaseView;
    expect(phase).toMatchObject({ phase: "shadow", startedAt: NOV_2, day: 17, lossLimit: null, lossLimitLeft: null });
    expectDec(phase.startEquity, "10000");
    expectDec(phase.phasePnl, "3055");
    expectDec(phase.phasePnlPct, "30.55");
    expect(phase.metrics).toEqual(m);
    expect(phase.gate?.passed).toBe(false);
    expect(phase.gate?.checks.map((c) => [c.gate, c.value, c.passed])).toEqual([
      ["days", "17", false],
      ["closed_trades", "2", false],
      ["win_rate", "50.00%", false],
      ["profit_factor", "3.00", true],
      ["max_drawdown", "-0.50%", true],
    ]);
    // /phase on its own agrees with /monitor.
    expect(await buildPhaseView(monitorDeps(), account)).toEqual(phase);
  });

  it("has no day P&L before the day's first mark, and is undefined for an unknown account", async () => {
    const account = await createAccount(db.dataSource, { cash: "5000" });
    const view = (await buildMonitorView(monitorDeps(), account))!;
    expect(view.capital).toMatchObject({ startOfDayEquity: null, dayPnl: null, dayPnlPct: null, unpricedPositions: 0 });
    expectDec(view.capital.equity, "5000");
    expect(view.positions).toEqual([]);
    expectDec(view.totals.unrealizedPnl, "0");
    expect(view.totals.unrealizedPnlPct).toBeNull();
    expect(view.metrics).toMatchObject({ tradeCount: 0, winRate: null, profitFactor: null, totalReturn: null, sharpe: null });
    // Read-only: looking did not fix a start-of-day mark.
    const [row] = await db.dataSource.query(`SELECT count(*)::int AS n FROM equity_snapshots WHERE account_id = $1`, [account]);
    expect(row.n).toBe(0);
    expect(await buildMonitorView(monitorDeps(), "00000000-0000-0000-0000-000000000000")).toBeUndefined();
    expect(await buildPhaseView(monitorDeps(), "00000000-0000-0000-0000-000000000000")).toBeUndefined();
  });
});

describe("phase view", () => {
  it("counts the phase's own days and record, from its start equity", async () => {
    const account = await createAccount(db.dataSource, { cash: "10000" });
    // Back in shadow since Monday 2026-11-16 (7 trading days to TODAY), from 9,900.
    await startedAt(account, NOV_2, new Date("2026-11-16T15:00:00Z"));
    await sql(`UPDATE accounts SET phase_start_equity = 9900 WHERE id = $1`, [account]);
    await fill(account, "AMD", "SELL", "-100", new Date("2026-11-10T15:00:00Z")); // before the phase
    await fill(account, "AMD", "SELL", "40", new Date("2026-11-18T15:00:00Z"));
    await snapshot(account, "end_of_day", "2026-11-13", "9900", new Date("2026-11-13T21:05:00Z"));
    await snapshot(account, "end_of_day", "2026-11-18", "9940", new Date("2026-11-18T21:05:00Z"));

    const phase = (await buildPhaseView(monitorDeps(), account))!;
    expect(phase).toMatchObject({ phase: "shadow", day: 7 });
    expectDec(phase.phasePnl, "100"); // 10,000 now vs 9,900
    expect(phase.metrics.tradeCount).toBe(1);
    expectDec(phase.metrics.totalReturn, d("9940").div("9900").minus(1));
    expect(phase.gate?.checks[0]).toMatchObject({ gate: "days", value: "7", passed: false });
    // The account's whole record still has both trades.
    expect((await buildMonitorView(monitorDeps(), account))!.metrics.tradeCount).toBe(2);
  });

  it("shows a micro phase's loss limit and what is left of it, without a gate", async () => {
    const account = await createAccount(db.dataSource, { cash: "94" });
    await sql(`UPDATE accounts SET mode = 'live', broker = 'kis', phase = 'micro', phase_start_equity = 100, phase_started_at = $2 WHERE id = $1`, [account, NOV_2]);
    const phase = (await buildPhaseView(monitorDeps(), account))!;
    expect(phase.gate).toBeNull();
    expectDec(phase.phasePnl, "-6");
    expectDec(phase.lossLimit, "10");
    expectDec(phase.lossLimitLeft, "4");
  });
});

describe("status view", () => {
  it("shows each account's state, fresh readings, holdings and waiting approvals, failing closed when the state is unknown", async () => {
    // 75,000 cash + 250 x 100 = 100,000 equity against a start of day of 102,000: -1.9608%, under the 5% line.
    const active = await createAccount(db.dataSource, { cash: "75000" });
    await holdPosition(db.dataSource, active, "STA", 250, "100");
    await price(db.dataSource, "STA", "100", new Date(NOW.getTime() - MINUTE));
    await snapshot(active, "start_of_day", TODAY, "102000", new Date(NOW.getTime() - 120 * MINUTE));
    const stale = [{ trigger: "daily_loss", unit: "%", value: "9.9999", threshold: "-5", headroom: "0", fired: false }];
    await sql(`UPDATE kill_switch_states SET last_readings = $2, last_checked_at = $3 WHERE account_id = $1`, [active, JSON.stringify(stale), new Date(NOW.getTime() - 30 * MINUTE)]);
    const proposal = (expiresAt: Date, key: string, status = "pending") =>
      sql(
        `INSERT INTO proposals (account_id, idempotency_key, source, side, ticker, quantity, order_type, requested_by, expires_at, status)
         VALUES ($1, $2, 'operator', 'BUY', 'STA', 5, 'market', 'tg:2', $3, $4)`,
        [active, key, expiresAt, status],
      );
    await proposal(new Date(NOW.getTime() + 10 * MINUTE), "waiting");
    await proposal(new Date(NOW.getTime() - MINUTE), "lapsed"); // past expiry, not yet swept
    await proposal(new Date(NOW.getTime() + 10 * MINUTE), "decided", "approved");

    const halted = await createAccount(db.dataSource, { state: "HALTED" });
    const changedAt = new Date(NOW.getTime() - 5 * MINUTE);
    await sql(`UPDATE kill_switch_states SET trigger = 'manual', reason = 'desk review', actor = 'tg:7', changed_at = $2 WHERE account_id = $1`, [halted, changedAt]);
    const orphan = await createAccount(db.dataSource);
    await sql(`DELETE FROM kill_switch_states WHERE account_id = $1`, [orphan]);
    // The desk holds one live account per broker: the micro test's goes first.
    await sql(`DELETE FROM accounts WHERE mode = 'live'`);
    const prep = await createAccount(db.dataSource, { live: { phase: "live-prep" } });

    const views = await buildStatusView(statusDeps());
    const byId = new Map(views.map((v) => [v.id, v]));
    // Oldest first, every account listed.
    const [all] = await db.dataSource.query(`SELECT array_agg(id ORDER BY created_at, id) AS ids FROM accounts`);
    expect(views.map((v) => v.id)).toEqual(all.ids);

    const a = byId.get(active)!;
    expect(a).toMatchObject({ mode: "shadow", broker: "paper", phase: "shadow", canTrade: true, readingsStale: false, readingsAt: NOW, readingsProblem: null });
    expect(a.killSwitch).toMatchObject({ state: "ACTIVE", reason: "test: armed", trigger: null, resumeLockedUntil: null });
    expect(a.readings.find((r) => r.trigger === "daily_loss")).toMatchObject({ value: "-1.9607", threshold: "-5", fired: false, suppressed: false });
    expect(a.readings.find((r) => r.trigger === "position_concentration")).toMatchObject({ value: "25.0000", detail: "STA" });
    expect(a.readings.map((r) => r.fired)).toEqual([false, false, false, false, false, false, false]);
    expect(a.openPositions).toEqual({ count: 1, tickers: ["STA"] });
    expect(a.pendingApprovals.count).toBe(1);
    expect(a.pendingApprovals.proposals).toEqual([{ id: expect.any(String), side: "BUY", ticker: "STA", quantity: 5, requestedBy: "tg:2", expiresAt: new Date(NOW.getTime() + 10 * MINUTE) }]);

    expect(byId.get(halted)).toMatchObject({
      canTrade: false,
      killSwitch: { state: "HALTED", since: changedAt, trigger: "manual", reason: "desk review", actor: "tg:7" },
      openPositions: { count: 0, tickers: [] },
      pendingApprovals: { count: 0, proposals: [] },
    });

    const o = byId.get(orphan)!;
    expect(o.killSwitch).toMatchObject({ state: "UNKNOWN", since: null, actor: null });
    expect(o.killSwitch.reason).toMatch(/no kill-switch state.*treated as halted/);
    expect(o).toMatchObject({ canTrade: false, readings: [], readingsStale: true, readingsAt: null });
    expect(o.readingsProblem).toMatch(/no snapshot/);

    // ACTIVE, but live-prep places no orders.
    expect(byId.get(prep)).toMatchObject({ killSwitch: { state: "ACTIVE" }, canTrade: false });
  });

  it("falls back to the stored readings, flagged stale, when the snapshot cannot be read; an unreadable state is UNKNOWN", async () => {
    const account = await createAccount(db.dataSource);
    const stored = [{ trigger: "api_error", unit: "count", value: "1", threshold: "3", headroom: "2", fired: false }];
    const checkedAt = new Date(NOW.getTime() - 30 * MINUTE);
    await sql(`UPDATE kill_switch_states SET last_readings = $2, last_checked_at = $3 WHERE account_id = $1`, [account, JSON.stringify(stored), checkedAt]);
    const broken = { load: () => Promise.reject(new Error("connection reset")) };
    const a = (await buildStatusView(statusDeps({ snapshots: broken }))).find((v) => v.id === account)!;
    expect(a).toMatchObject({ canTrade: true, readingsStale: true, readingsAt: checkedAt, readings: [{ ...stored[0], suppressed: false }] });
    expect(a.readingsProblem).toMatch(/connection reset/);

    const flaky = Object.assign(new KillSwitchRepository(db.dataSource), { status: () => Promise.reject(new Error("lock timeout")) });
    const b = (await buildStatusView(statusDeps({ store: flaky }))).find((v) => v.id === account)!;
    expect(b).toMatchObject({ canTrade: false, killSwitch: { state: "UNKNOWN" } });
    expect(b.killSwitch.reason).toMatch(/cannot be read: lock timeout/);
  });

  it("marks a fired reading that an admin acknowledged today as suppressed", async () => {
    const account = await createAccount(db.dataSource, { cash: "100000" });
    await snapshot(account, "start_of_day", TODAY, "110000", new Date(NOW.getTime() - 120 * MINUTE)); // -9.09%
    await sql(`UPDATE kill_switch_states SET suppressed_triggers = $2 WHERE account_id = $1`, [account, JSON.stringify({ daily_loss: TODAY })]);
    const view = (await buildStatusView(statusDeps())).find((v) => v.id === account)!;
    expect(view.readings.find((r) => r.trigger === "daily_loss")).toMatchObject({ value: "-9.0910", fired: true, suppressed: true });
    expect(view.killSwitch.suppressedTriggers).toEqual({ daily_loss: TODAY });
  });
});
