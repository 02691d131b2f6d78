import { describe, expect, it } from "vitest";
import { dailyBarProblem, sortBars } from "../../src/app/prices/backfill-history.js";
import { Dec } from "../../src/domain/decimal.js";
import { dailyBarTime } from "../../src/domain/market-time.js";
import type { PriceBar } from "../../src/domain/prices.js";

const TZ = "America/New_York";

function bar(date: string, change: Partial<PriceBar> = {}): PriceBar {
  return {
    ticker: "NVDA", time: dailyBarTime(date, TZ), open: new Dec("10"), high: new Dec("11"), low: new Dec("9"), close: new Dec("10.5"),
    adjClose: new Dec("10.4"), volume: 1000n, source: "alpaca", ...change,
  };
}

describe("dailyBarProblem", () => {
  it("accepts a well-formed daily bar, with or without an adjusted close", () => {
    expect(dailyBarProblem(bar("2026-03-09"), "NVDA", TZ)).toBeUndefined();
    expect(dailyBarProblem(bar("2026-03-09", { adjClose: null, low: new Dec("10"), high: new Dec("10.5") }), "NVDA", TZ)).toBeUndefined();
  });

  it.each<[string, Partial<PriceBar>, string]>([
    ["another ticker", { ticker: "NVDA\u0007X" }, 'ticker "NVDA X" is not NVDA'],
    ["a midnight stamp", { time: new Date("2026-03-09T00:00:00Z") }, "2026-03-09T00:00:00.000Z is not the daily-bar time of 2026-03-08"],
    ["an invalid time", { time: new Date(Number.NaN) }, "no valid time"],
    ["a zero price", { open: new Dec("0") }, "2026-03-09: open 0 is not a price"],
    ["a non-finite price", { close: new Dec(Number.NaN) }, "2026-03-09: close NaN is not a price"],
    ["a price beyond numeric(20,6)", { high: new Dec("1e14") }, "2026-03-09: high 100000000000000 is not a price"],
    ["a negative adjusted close", { adjClose: new Dec("-1") }, "2026-03-09: adjusted close -1 is not a price"],
    ["an open below the low", { open: new Dec("8") }, "2026-03-09: open 8 and close 10.5 must lie within low 9 .. high 11"],
    ["a close above the high", { close: new Dec("12") }, "2026-03-09: open 10 and close 12 must lie within low 9 .. high 11"],
    ["a negative volume", { volume: -1n }, "2026-03-09: volume -1 is not a share count"],
  ])("refuses %s", (_, change, reason) => {
    expect(dailyBarProblem(bar("2026-03-09", change), "NVDA", TZ)).toBe(reason);
  });
});

describe("sortBars", () => {
  it("keeps bars up to the last completed day, drops later ones and counts malformed ones", () => {
    const bars = [bar("2026-03-06"), bar("2026-03-09", { low: new Dec("11") }), bar("2026-03-09"), bar("2026-03-10"), bar("2026-03-11")];
    const sorted = sortBars(bars, "NVDA", "2026-03-09", TZ);
    expect(sorted.good.map((b) => b.time)).toEqual([dailyBarTime("2026-03-06", TZ), dailyBarTime("2026-03-09", TZ)]);
    expect([sorted.rejected, sorted.dropped, sorted.reasons]).toEqual([1, 2, ["2026-03-09: open 10 and close 10.5 must lie within low 11 .. high 11"]]);
  });
});
