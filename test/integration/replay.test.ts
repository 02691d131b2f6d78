import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { ReplayAccountRepository } from "../../src/adapters/db/repositories/replay-account-repository.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { systemClock } from "../../src/app/ports/clock.js";
import { ReplayClock, ReplayRequestError, runReplay, type ReplayDeps, type ReplayResult, type ReplayTrade } from "../../src/app/replay/run-replay.js";
import { Dec } from "../../src/domain/decimal.js";
import { parseYahooCsv } from "../../src/domain/yahoo-csv.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps } from "../support/desk.js";

const db = useTestDatabase();
const CSV = readFileSync("test/fixtures/prices/nvda-daily.csv", "utf8");
const CAPITAL = new Dec("100000");
// SMA10/SMA20: over 2008 this strategy loses its way to a halt (SMA10/SMA30 does not reach one
// before March 2009), so the kill switch has something to prove.
const PARAMS = { fast: 10, slow: 20, sizePct: 20 };

function deps(): ReplayDeps {
  const clock = new ReplayClock();
  const notifier = new RecordingNotifier();
  const prices = new PriceRepository(db.dataSource);
  return {
    execution: executionDeps(db.dataSource, { clock, notifier }),
    prices,
    accounts: new ReplayAccountRepository(db.dataSource),
    clock,
    notifier,
    wallClock: systemClock,
  };
}

/** 2008's closes straight from the file, without the desk's parser. */
function rawCloses(): { date: string; close: Dec }[] {
  return CSV.trim().split("\n").slice(1)
    .map((line) => line.split(","))
    .filter(([date]) => date! >= "2008-01-01" && date! <= "2008-12-31")
    .map(([date, , , , close]) => ({ date: date!, close: new Dec(close!) }));
}

const money = (d: Dec) => d.toDecimalPlaces(4, Dec.ROUND_HALF_EVEN);

/**
 * Replays the account by hand from the raw closes and the replay's own fills, and finds the first
 * bar whose equity is <= -5% against the previous close's equity or <= -10% against the running
 * peak, at the moments the desk looks (the 16:00 bar while holding, and after each fill).
 */
function expectedFirstHalt(trades: readonly ReplayTrade[]): { date: string; trigger: "daily_loss" | "max_drawdown" } | undefined {
  let cash = CAPITAL;
  let shares = 0;
  let peak = CAPITAL;
  let previousClose: Dec | undefined;
  for (const { date, close } of rawCloses()) {
    const startOfDay = previousClose ? money(cash.plus(previousClose.times(shares))) : cash;
    const breach = (equity: Dec) => {
      peak = Dec.max(peak, equity);
      if (equity.minus(startOfDay).div(startOfDay).lte("-0.05")) return "daily_loss" as const;
      if (equity.minus(peak).div(peak).lte("-0.10")) return "max_drawdown" as const;
      return undefined;
    };
    let fired = shares > 0 ? breach(cash.plus(close.times(shares))) : undefined;
    for (const t of trades.filter((x) => x.date === date)) {
      // The statement's rule: gross and commission each to the cent, half-up; the trade reports the same net.
      const gross = t.price.times(t.quantity).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
      const commission = t.commission.toDecimalPlaces(2, Dec.ROUND_HALF_UP);
      const net = t.side === "BUY" ? gross.plus(commission).neg() : gross.minus(commission);
      expect(t.cash.toFixed(2)).toBe(net.toFixed(2));
      cash = cash.plus(net);
      shares += t.side === "BUY" ? t.quantity : -t.quantity;
      fired ??= breach(cash.plus(close.times(shares)));
    }
    if (fired) return { date, trigger: fired };
    previousClose = close;
  }
  return undefined;
}

function expectNoNaN(result: ReplayResult): void {
  for (const [key, value] of Object.entries(result.metrics)) {
    if (value instanceof Dec) expect(value.isFinite(), key).toBe(true);
    if (typeof value === "number") expect(Number.isFinite(value), key).toBe(true);
  }
  for (const check of result.gate.checks) expect(check.value, check.gate).not.toMatch(/NaN|Infinity/);
  expect(Number.isFinite(result.barsPerSecond)).toBe(true);
}

describe("replay of NVDA over 2008 through the real order path", () => {
  it("halts on the bar the raw prices and its own fills say, then only exits", async () => {
    const bars = parseYahooCsv(CSV, "NVDA", "America/New_York").bars;
    const d = deps();
    const result = await runReplay(d, { ticker: "NVDA", bars, from: "2008-01-01", to: "2008-12-31", capital: CAPITAL, strategy: { name: "sma-cross", params: PARAMS } });

    expect(result.bars).toBe(rawCloses().length);
    expect([result.firstBar, result.lastBar]).toEqual(["2008-01-02", "2008-12-31"]);
    // The gate's days of record are the year's 253 sessions (a bar each), not its 365 calendar days
    // (nor 261 weekdays: the calendar does not know 2008's holidays).
    expect(result.days).toBe(253);
    expect(result.days).toBe(result.bars);
    expect(result.gate.checks.find((c) => c.gate === "days")?.value).toBe("253");
    expect(result.trades.length).toBeGreaterThan(2);

    const expected = expectedFirstHalt(result.trades);
    expect(expected, "the replay should breach a loss limit in 2008").toBeDefined();
    const first = result.halts[0];
    expect(first, "the kill switch should have halted").toBeDefined();
    expect(["daily_loss", "max_drawdown"]).toContain(first!.trigger);
    expect({ date: first!.date, trigger: first!.trigger }).toEqual(expected);
    expect(first!.reading).toMatch(/^-\d+\.\d{4}% vs limit -(5|10)%$/);
    expect(result.halts).toHaveLength(1); // never resumed, so never halted again

    // After the halt: no buy is filled, refused buys are recorded with the reason, exits still pass.
    const after = result.trades.slice(first!.tradesBefore);
    expect(after.filter((t) => t.side === "BUY")).toEqual([]);
    const refusedAfter = result.refusals.filter((r) => r.date >= first!.date);
    expect(refusedAfter.length).toBeGreaterThan(0);
    for (const r of refusedAfter) {
      expect(r.side).toBe("BUY");
      expect(r.codes).toEqual(["kill_switch_halted"]);
    }
    expect(after.some((t) => t.side === "SELL")).toBe(true);
    expect(result.final.halted).toBe(true);
    // The books to the cent: final cash is the capital plus every trade's net amount.
    expect(result.final.cash.toFixed(2)).toBe(result.trades.reduce((cash, t) => cash.plus(t.cash), CAPITAL).toFixed(2));

    // The alert went out once, stamped at the halting bar.
    const alerts = d.notifier.alerts.filter((a) => a.kind === "halted");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.at.toISOString().slice(0, 10)).toBe(first!.date);

    // The equity curve is the end-of-day snapshots, one per bar; metrics are never NaN.
    expect(result.equityCurve).toHaveLength(result.bars);
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM equity_snapshots WHERE account_id = $1 AND kind = 'end_of_day'`, [result.accountId]);
    expect(n).toBe(result.bars);
    expect(result.metrics.tradeCount).toBe(result.trades.filter((t) => t.side === "SELL").length);
    expectNoNaN(result);
    const [state] = await db.dataSource.query(`SELECT state, trigger FROM kill_switch_states WHERE account_id = $1`, [result.accountId]);
    expect(state).toEqual({ state: "HALTED", trigger: first!.trigger });
  }, 180_000);

  it("refuses a range over which the database already holds later prices of the ticker", async () => {
    const bars = parseYahooCsv(CSV, "NVDA", "America/New_York").bars;
    await new PriceRepository(db.dataSource).upsert(bars.filter((b) => b.time.toISOString().startsWith("2008-06-02")), "ignore");
    const request = { ticker: "NVDA", bars, from: "2008-01-01", to: "2008-03-31", capital: CAPITAL, strategy: { name: "sma-cross" as const, params: PARAMS } };
    await expect(runReplay(deps(), request)).rejects.toThrow(ReplayRequestError);
    await expect(runReplay(deps(), { ...request, from: "2030-01-01", to: "2030-12-31" })).rejects.toThrow(/no NVDA bars between 2030-01-01 and 2030-12-31/);
  });
});
