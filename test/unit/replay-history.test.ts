import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { ReplayHistory } from "../../src/adapters/market-data/replay-history.js";
import { loadReplaySeries } from "../../src/adapters/market-data/replay-provider.js";
import { Dec } from "../../src/domain/decimal.js";
import { createMarketCalendar } from "../../src/domain/market-calendar.js";
import { dailyBarTime } from "../../src/domain/market-time.js";
import type { PriceBar } from "../../src/domain/prices.js";

const TZ = "America/New_York";
const calendar = createMarketCalendar();

/** A daily bar as loadReplaySeries makes it: stamped at the date's 16:00 close, source "import". */
function bar(date: string, close: string): PriceBar {
  const c = new Dec(close);
  return { ticker: "NVDA", time: dailyBarTime(date, TZ), open: c, high: c.plus(1), low: c.minus(1), close: c, adjClose: null, volume: 100n, source: "import" };
}

// Historical days around Labor Day 2008 (Monday 1 September, closed). The replay starts on the 2nd.
const SERIES = ["2008-08-25", "2008-08-26", "2008-08-27", "2008-08-28", "2008-08-29", "2008-09-02", "2008-09-03"].map((d, i) => bar(d, String(10 + i)));
const history = () => new ReplayHistory(new Map([["NVDA", SERIES]]), { start: "2008-09-02", calendar, timeZone: TZ });

const view = (bars: PriceBar[]) => bars.map((b) => [b.time.toISOString(), b.close.toString(), b.source]);

describe("ReplayHistory", () => {
  it("serves the bars before the start date on the trading days before `until`, skipping Good Friday and the weekend", async () => {
    // Monday 6 April 2026, 10:00 New York: that session is open, so the newest completed day is
    // Thursday 2 April (Good Friday, 3 April, is closed).
    const bars = await history().dailyBars("NVDA", 3, new Date("2026-04-06T14:00:00Z"));
    expect(view(bars)).toEqual([
      [dailyBarTime("2026-03-31", TZ).toISOString(), "12", "replay-history:2008-08-27"],
      [dailyBarTime("2026-04-01", TZ).toISOString(), "13", "replay-history:2008-08-28"],
      [dailyBarTime("2026-04-02", TZ).toISOString(), "14", "replay-history:2008-08-29"],
    ]);
    expect(bars.every((b) => b.ticker === "NVDA" && b.high.eq(b.close.plus(1)) && b.volume === 100n)).toBe(true);
  });

  it("serves fewer bars when the series has fewer before the start, and skips Christmas and an early close's evening", async () => {
    // Monday 29 December 2025 before the open: the newest completed day is Friday the 26th; the
    // 25th is closed; the 24th closed early (13:00) and counts.
    const bars = await history().dailyBars("NVDA", 10, new Date("2025-12-29T14:00:00Z"));
    expect(bars.map((b) => b.time.toISOString())).toEqual(["2025-12-19", "2025-12-22", "2025-12-23", "2025-12-24", "2025-12-26"].map((d) => dailyBarTime(d, TZ).toISOString()));
    expect(bars.map((b) => b.source)).toEqual(["2008-08-25", "2008-08-26", "2008-08-27", "2008-08-28", "2008-08-29"].map((d) => `replay-history:${d}`));
  });

  it("counts a day as completed from its close on, early closes included", async () => {
    const atEarlyClose = await history().dailyBars("NVDA", 1, new Date("2025-12-24T18:00:00Z"));
    expect(atEarlyClose.map((b) => b.time.toISOString())).toEqual([dailyBarTime("2025-12-24", TZ).toISOString()]);
    const justBefore = await history().dailyBars("NVDA", 1, new Date("2025-12-24T17:59:59Z"));
    expect(justBefore.map((b) => b.time.toISOString())).toEqual([dailyBarTime("2025-12-23", TZ).toISOString()]);
    // A Sunday: the Friday before.
    const sunday = await history().dailyBars("NVDA", 1, new Date("2026-03-08T18:00:00Z"));
    expect(sunday.map((b) => b.time.toISOString())).toEqual([dailyBarTime("2026-03-06", TZ).toISOString()]);
  });

  it("answers an unknown ticker with no bars, finds a ticker whatever its case, and refuses a series out of date order", async () => {
    const until = new Date("2026-04-06T14:00:00Z");
    expect(await history().dailyBars("ORCL", 5, until)).toEqual([]);
    expect(await history().dailyBars("NVDA", 0, until)).toEqual([]);
    expect((await history().dailyBars("nvda", 1, until)).map((b) => b.ticker)).toEqual(["NVDA"]);
    const shuffled = new ReplayHistory(new Map([["NVDA", [SERIES[1]!, SERIES[0]!, SERIES[2]!]]]), { start: "2008-09-02", calendar, timeZone: TZ });
    await expect(shuffled.dailyBars("NVDA", 2, until)).rejects.toThrow("replay history for NVDA is not in date order: 2008-08-25 follows 2008-08-26");
  });

  it("serves the shipped demo prices exactly, the day before REPLAY_START last", async () => {
    const series = await loadReplaySeries("demo/prices", ["NVDA"], TZ);
    const bars = await new ReplayHistory(series, { start: "2008-09-02", calendar, timeZone: TZ }).dailyBars("NVDA", 250, new Date("2026-04-06T14:00:00Z"));
    expect(bars).toHaveLength(250);
    // 2008-08-29,12.960000,13.000000,12.600000,12.640000,11.698512,12900100
    const last = bars.at(-1)!;
    expect([last.open, last.high, last.low, last.close, last.adjClose].map((d) => d?.toFixed(6))).toEqual(["12.960000", "13.000000", "12.600000", "12.640000", "11.698512"]);
    expect([last.volume, last.source, last.time.toISOString()]).toEqual([12900100n, "replay-history:2008-08-29", dailyBarTime("2026-04-02", TZ).toISOString()]);
    // Every bar on its own trading day, in order.
    const days = bars.map((b) => b.time.getTime());
    expect(new Set(days).size).toBe(250);
    expect([...days].sort((a, b) => a - b)).toEqual(days);
    expect(bars.filter((b) => !calendar.isTradingDay(DateTime.fromJSDate(b.time, { zone: TZ }).toISODate()!))).toEqual([]);
  });
});
