import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import {
  type AccountSnapshot,
  apiErrors,
  concentration,
  dailyLoss,
  dailyTradeLimit,
  evaluateTriggers,
  type HeldPosition,
  maxDrawdown,
  phaseLoss,
  staleData,
  withUnit,
  type TriggerThresholds,
} from "../../src/domain/kill-switch/triggers.js";
import { createMarketCalendar } from "../../src/domain/market-calendar.js";

/** The design defaults (all configurable). */
const THRESHOLDS: TriggerThresholds = {
  dailyLossPct: 5,
  maxDrawdownPct: 10,
  apiErrorCount: 3,
  concentrationPct: 30,
  staleDataSeconds: 300,
  dailyTradeLimit: 20,
};

const calendar = createMarketCalendar();

/** Tuesday 2026-03-10, 15:00 in New York (EDT, UTC-4): the regular session is open. */
const TUESDAY_1500_NY = new Date("2026-03-10T19:00:00Z");

function snapshot(overrides: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return {
    equity: new Dec(100_000),
    startOfDayEquity: new Dec(100_000),
    peakEquity: new Dec(100_000),
    positions: [],
    consecutiveApiErrors: 0,
    ordersToday: 0,
    marketOpen: true,
    now: TUESDAY_1500_NY,
    ...overrides,
  };
}

function position(ticker: string, quantity: number, price: string | null, priceTime: Date | null = TUESDAY_1500_NY): HeldPosition {
  return { ticker, quantity, lastPrice: price === null ? null : new Dec(price), priceTime };
}

const secondsBefore = (at: Date, seconds: number): Date => new Date(at.getTime() - seconds * 1000);

describe("daily_loss: equity vs start-of-day equity <= -5% fires", () => {
  it("fires at exactly -5.0000% (start 100000, equity 95000) with exact reading strings", () => {
    const r = dailyLoss(snapshot({ equity: new Dec("95000") }), THRESHOLDS);
    expect(r).toEqual({ trigger: "daily_loss", unit: "%", value: "-5.0000", threshold: "-5", headroom: "0.0000", fired: true });
  });

  it("does not fire just under the threshold (equity 95000.01)", () => {
    expect(dailyLoss(snapshot({ equity: new Dec("95000.01") }), THRESHOLDS).fired).toBe(false);
  });

  it("fires just over the threshold (equity 94999.99)", () => {
    expect(dailyLoss(snapshot({ equity: new Dec("94999.99") }), THRESHOLDS).fired).toBe(true);
  });

  it("reports a small loss with its positive headroom exactly (equity 99000 = -1%)", () => {
    const r = dailyLoss(snapshot({ equity: new Dec("99000") }), THRESHOLDS);
    expect(r).toMatchObject({ value: "-1.0000", threshold: "-5", headroom: "4.0000", fired: false });
  });

  it("reports a loss past the threshold with a negative headroom (equity 94000 = -6%)", () => {
    const r = dailyLoss(snapshot({ equity: new Dec("94000") }), THRESHOLDS);
    expect(r).toMatchObject({ value: "-6.0000", headroom: "-1.0000", fired: true });
  });

  it("computes the change exactly from decimal inputs where binary floats would drift (0.3 -> 0.285 = -5%)", () => {
    // In binary floats (0.285 - 0.3) / 0.3 * 100 is -5.000000000000004, not -5.
    const r = dailyLoss(snapshot({ startOfDayEquity: new Dec("0.3"), equity: new Dec("0.285") }), THRESHOLDS);
    expect(r).toMatchObject({ value: "-5.0000", headroom: "0.0000", fired: true });
    const under = dailyLoss(snapshot({ startOfDayEquity: new Dec("0.3"), equity: new Dec("0.28500001") }), THRESHOLDS);
    expect(under.fired).toBe(false);
  });

  it("does not fire before there is a start-of-day equity, and says why", () => {
    const r = dailyLoss(snapshot({ startOfDayEquity: null, equity: new Dec(1) }), THRESHOLDS);
    expect(r).toEqual({ trigger: "daily_loss", unit: "%", value: "0", threshold: "-5", headroom: "5", fired: false, detail: "no start-of-day equity yet" });
  });

  it("uses the configured threshold rather than the default", () => {
    const t = { ...THRESHOLDS, dailyLossPct: 2 };
    expect(dailyLoss(snapshot({ equity: new Dec("98000") }), t)).toMatchObject({ threshold: "-2", fired: true });
    expect(dailyLoss(snapshot({ equity: new Dec("98000.01") }), t).fired).toBe(false);
  });
});

describe("max_drawdown: equity vs peak equity <= -10% fires", () => {
  it("fires at exactly -10.0000% (peak 100000, equity 90000) with exact reading strings", () => {
    const r = maxDrawdown(snapshot({ equity: new Dec("90000") }), THRESHOLDS);
    expect(r).toEqual({ trigger: "max_drawdown", unit: "%", value: "-10.0000", threshold: "-10", headroom: "0.0000", fired: true });
  });

  it("does not fire just under the threshold (equity 90000.01)", () => {
    expect(maxDrawdown(snapshot({ equity: new Dec("90000.01") }), THRESHOLDS).fired).toBe(false);
  });

  it("fires just over the threshold (equity 89999.99)", () => {
    expect(maxDrawdown(snapshot({ equity: new Dec("89999.99") }), THRESHOLDS).fired).toBe(true);
  });

  it("measures from the peak, not from the start of the day", () => {
    const s = snapshot({ peakEquity: new Dec("120000"), startOfDayEquity: new Dec("100000"), equity: new Dec("100000") });
    expect(maxDrawdown(s, THRESHOLDS)).toMatchObject({ value: "-16.6667", headroom: "-6.6667", fired: true });
    expect(dailyLoss(s, THRESHOLDS).fired).toBe(false);
  });

  it("treats equity above the recorded peak as the peak (no drawdown)", () => {
    const r = maxDrawdown(snapshot({ peakEquity: new Dec("100000"), equity: new Dec("110000") }), THRESHOLDS);
    expect(r).toMatchObject({ value: "0.0000", headroom: "10.0000", fired: false });
  });

  it("computes exactly from decimal inputs (peak 0.3, equity 0.27 = -10%)", () => {
    // Binary floats give (0.27 - 0.3) / 0.3 * 100 = -9.999999999999991, which would not fire.
    const r = maxDrawdown(snapshot({ peakEquity: new Dec("0.3"), equity: new Dec("0.27") }), THRESHOLDS);
    expect(r).toMatchObject({ value: "-10.0000", headroom: "0.0000", fired: true });
  });

  it("fires (fail closed) when neither peak nor equity is positive", () => {
    const r = maxDrawdown(snapshot({ peakEquity: null, equity: new Dec("-5") }), THRESHOLDS);
    expect(r).toEqual({ trigger: "max_drawdown", unit: "%", value: "0", threshold: "-10", headroom: "0", fired: true, detail: "equity is not positive" });
  });
});

describe("api_error: >= 3 consecutive broker errors fires", () => {
  it("fires at exactly 3 errors with exact reading strings", () => {
    expect(apiErrors(snapshot({ consecutiveApiErrors: 3 }), THRESHOLDS)).toEqual({
      trigger: "api_error",
      unit: "count",
      value: "3",
      threshold: "3",
      headroom: "0",
      fired: true,
    });
  });

  it("does not fire just under the threshold (2 errors), headroom 1", () => {
    expect(apiErrors(snapshot({ consecutiveApiErrors: 2 }), THRESHOLDS)).toMatchObject({ value: "2", headroom: "1", fired: false });
  });

  it("fires just over the threshold (4 errors), headroom -1", () => {
    expect(apiErrors(snapshot({ consecutiveApiErrors: 4 }), THRESHOLDS)).toMatchObject({ value: "4", headroom: "-1", fired: true });
  });

  it("does not fire with no errors", () => {
    expect(apiErrors(snapshot(), THRESHOLDS)).toMatchObject({ value: "0", headroom: "3", fired: false });
  });
});

describe("position_concentration: one position's value > 30% of equity fires", () => {
  it("does not fire at exactly 30% (300 x 100 of 100000) — the rule is strictly greater", () => {
    const r = concentration(snapshot({ positions: [position("AAPL", 300, "100")] }), THRESHOLDS);
    expect(r).toEqual({
      trigger: "position_concentration",
      unit: "%",
      value: "30.0000",
      threshold: "30",
      headroom: "0.0000",
      fired: false,
      detail: "AAPL",
    });
  });

  it("does not fire just under (300 x 99.99 = 29.997%)", () => {
    const r = concentration(snapshot({ positions: [position("AAPL", 300, "99.99")] }), THRESHOLDS);
    expect(r).toMatchObject({ value: "29.9970", headroom: "0.0030", fired: false, detail: "AAPL" });
  });

  it("fires just over (300 x 100.01 = 30.003%)", () => {
    const r = concentration(snapshot({ positions: [position("AAPL", 300, "100.01")] }), THRESHOLDS);
    expect(r).toMatchObject({ value: "30.0030", headroom: "-0.0030", fired: true, detail: "AAPL" });
  });

  it("is exact with decimal prices: 3 x 0.1 of equity 1 is 30%, not 30.000000000000004%", () => {
    const r = concentration(snapshot({ equity: new Dec("1"), positions: [position("PENNY", 3, "0.1")] }), THRESHOLDS);
    expect(r).toMatchObject({ value: "30.0000", headroom: "0.0000", fired: false });
  });

  it("reports the largest position by value", () => {
    const r = concentration(
      snapshot({ positions: [position("AAPL", 100, "100"), position("NVDA", 250, "100"), position("MSFT", 10, "400")] }),
      THRESHOLDS,
    );
    expect(r).toMatchObject({ value: "25.0000", headroom: "5.0000", fired: false, detail: "NVDA" });
  });

  it("does not fire with no positions", () => {
    expect(concentration(snapshot(), THRESHOLDS)).toEqual({
      trigger: "position_concentration",
      unit: "%",
      value: "0",
      threshold: "30",
      headroom: "30",
      fired: false,
    });
  });

  it("ignores positions with zero quantity, even unpriced ones", () => {
    expect(concentration(snapshot({ positions: [position("GONE", 0, null, null)] }), THRESHOLDS).fired).toBe(false);
  });

  it("fires (fail closed) on a held position without a price, naming the ticker", () => {
    const r = concentration(snapshot({ positions: [position("AAPL", 1, "100"), position("XYZ", 5, null, null)] }), THRESHOLDS);
    expect(r).toEqual({
      trigger: "position_concentration",
      unit: "%",
      value: "0",
      threshold: "30",
      headroom: "0",
      fired: true,
      detail: "XYZ has no price",
    });
  });

  it.each(["0", "-1"])("fires (fail closed) when equity is %s (not positive)", (equity) => {
    const r = concentration(snapshot({ equity: new Dec(equity), positions: [position("AAPL", 1, "100")] }), THRESHOLDS);
    expect(r).toMatchObject({ value: "0", headroom: "0", fired: true, detail: "equity is not positive" });
  });
});

describe("stale_data: during market hours, a held ticker's newest price older than 300 s fires", () => {
  it("the chosen instants are what the market calendar says they are", () => {
    expect(calendar.isMarketOpen(TUESDAY_1500_NY)).toBe(true);
    expect(calendar.isMarketOpen(new Date("2026-03-14T19:00:00Z"))).toBe(false); // Saturday 15:00 EDT
    expect(calendar.isMarketOpen(new Date("2026-11-26T16:00:00Z"))).toBe(false); // Thanksgiving 11:00 EST
  });

  it("does not fire at exactly 300 s, with exact reading strings", () => {
    const now = TUESDAY_1500_NY;
    const r = staleData(snapshot({ now, marketOpen: calendar.isMarketOpen(now), positions: [position("AAPL", 10, "100", secondsBefore(now, 300))] }), THRESHOLDS);
    expect(r).toEqual({ trigger: "stale_data", unit: "s", value: "300.000", threshold: "300", headroom: "0.000", fired: false, detail: "AAPL" });
  });

  it("does not fire just under (299.999 s)", () => {
    const now = TUESDAY_1500_NY;
    const priceTime = new Date(now.getTime() - 299_999);
    const r = staleData(snapshot({ now, marketOpen: calendar.isMarketOpen(now), positions: [position("AAPL", 10, "100", priceTime)] }), THRESHOLDS);
    expect(r).toMatchObject({ value: "299.999", headroom: "0.001", fired: false });
  });

  it("fires just over (300.001 s)", () => {
    const now = TUESDAY_1500_NY;
    const priceTime = new Date(now.getTime() - 300_001);
    const r = staleData(snapshot({ now, marketOpen: calendar.isMarketOpen(now), positions: [position("AAPL", 10, "100", priceTime)] }), THRESHOLDS);
    expect(r).toMatchObject({ value: "300.001", headroom: "-0.001", fired: true, detail: "AAPL" });
  });

  it("reports the oldest of several held tickers", () => {
    const now = TUESDAY_1500_NY;
    const r = staleData(
      snapshot({
        now,
        marketOpen: true,
        positions: [position("AAPL", 1, "100", secondsBefore(now, 10)), position("NVDA", 1, "100", secondsBefore(now, 400)), position("MSFT", 1, "100", secondsBefore(now, 60))],
      }),
      THRESHOLDS,
    );
    expect(r).toMatchObject({ value: "400.000", headroom: "-100.000", fired: true, detail: "NVDA" });
  });

  it("names the feed the stale price came from, so the halt says which feed went quiet", () => {
    const now = TUESDAY_1500_NY;
    const stale = { ...position("NVDA", 1, "100", secondsBefore(now, 400)), priceSource: "alpaca:iex" };
    const r = staleData(snapshot({ now, marketOpen: true, positions: [stale] }), THRESHOLDS);
    expect(r).toMatchObject({ fired: true, detail: "NVDA from alpaca:iex" });
  });

  it("fires during market hours for a held ticker with no price at all, naming it", () => {
    const now = TUESDAY_1500_NY;
    const r = staleData(snapshot({ now, marketOpen: calendar.isMarketOpen(now), positions: [position("AAPL", 1, "100"), position("XYZ", 2, null, null)] }), THRESHOLDS);
    expect(r).toEqual({ trigger: "stale_data", unit: "s", value: "0", threshold: "300", headroom: "0", fired: true, detail: "XYZ has no price" });
  });

  it("does not fire on a Saturday, even for a day-old price", () => {
    const now = new Date("2026-03-14T19:00:00Z"); // Saturday 15:00 EDT
    const marketOpen = calendar.isMarketOpen(now);
    expect(marketOpen).toBe(false);
    const r = staleData(snapshot({ now, marketOpen, positions: [position("AAPL", 10, "100", new Date("2026-03-13T20:00:00Z"))] }), THRESHOLDS);
    expect(r).toMatchObject({ value: "0", headroom: "300", fired: false, detail: "market closed" });
  });

  it("does not fire outside market hours for a held ticker with no price", () => {
    const now = new Date("2026-03-14T19:00:00Z");
    const r = staleData(snapshot({ now, marketOpen: calendar.isMarketOpen(now), positions: [position("XYZ", 2, null, null)] }), THRESHOLDS);
    expect(r.fired).toBe(false);
  });

  it("does not fire on Thanksgiving 2026-11-26 for a 2-day-old price (holiday: market closed)", () => {
    const now = new Date("2026-11-26T16:00:00Z"); // Thursday 11:00 EST, NYSE holiday
    const priceTime = new Date("2026-11-24T16:00:00Z"); // Tuesday 11:00 EST, exactly 2 days earlier
    const marketOpen = calendar.isMarketOpen(now);
    expect(marketOpen).toBe(false);
    const r = staleData(snapshot({ now, marketOpen, positions: [position("AAPL", 10, "100", priceTime)] }), THRESHOLDS);
    expect(r).toMatchObject({ fired: false, detail: "market closed" });
  });

  it("does fire for the same price the next morning when the (early-close) session is open", () => {
    const now = new Date("2026-11-27T15:00:00Z"); // Friday 10:00 EST, session 09:30-13:00
    const marketOpen = calendar.isMarketOpen(now);
    expect(marketOpen).toBe(true);
    const r = staleData(snapshot({ now, marketOpen, positions: [position("AAPL", 10, "100", new Date("2026-11-24T16:00:00Z"))] }), THRESHOLDS);
    expect(r).toMatchObject({ value: "255600.000", fired: true, detail: "AAPL" });
  });

  it("does not fire with no held positions", () => {
    const r = staleData(snapshot({ positions: [position("GONE", 0, null, null)] }), THRESHOLDS);
    expect(r).toMatchObject({ value: "0", headroom: "300", fired: false });
  });
});

describe("daily_trade_limit: more than 20 executed orders in the trading day fires", () => {
  it("does not fire at exactly 20 orders, with exact reading strings", () => {
    expect(dailyTradeLimit(snapshot({ ordersToday: 20 }), THRESHOLDS)).toEqual({
      trigger: "daily_trade_limit",
      unit: "count",
      value: "20",
      threshold: "20",
      headroom: "0",
      fired: false,
    });
  });

  it("does not fire just under (19 orders)", () => {
    expect(dailyTradeLimit(snapshot({ ordersToday: 19 }), THRESHOLDS)).toMatchObject({ value: "19", headroom: "1", fired: false });
  });

  it("fires just over (21 orders)", () => {
    expect(dailyTradeLimit(snapshot({ ordersToday: 21 }), THRESHOLDS)).toMatchObject({ value: "21", headroom: "-1", fired: true });
  });
});

describe("evaluateTriggers", () => {
  it("returns the seven automatic readings in a fixed order", () => {
    const readings = evaluateTriggers(snapshot(), THRESHOLDS);
    expect(readings.map((r) => r.trigger)).toEqual(["daily_loss", "max_drawdown", "api_error", "position_concentration", "stale_data", "daily_trade_limit", "phase_loss"]);
    expect(readings.every((r) => !r.fired)).toBe(true);
  });

  it("keeps the order when several triggers fire, and marks exactly those fired", () => {
    const now = TUESDAY_1500_NY;
    const readings = evaluateTriggers(
      snapshot({
        equity: new Dec("94000"),
        consecutiveApiErrors: 3,
        ordersToday: 21,
        positions: [position("AAPL", 10, "100", secondsBefore(now, 301))],
      }),
      THRESHOLDS,
    );
    expect(readings.map((r) => [r.trigger, r.fired])).toEqual([
      ["daily_loss", true],
      ["max_drawdown", false],
      ["api_error", true],
      ["position_concentration", false],
      ["stale_data", true],
      ["daily_trade_limit", true],
      ["phase_loss", false],
    ]);
  });
});

describe("phase_loss", () => {
  const micro = (equity: string) => snapshot({ equity: new Dec(equity), phase: { mode: "live", phase: "micro", startEquity: new Dec("100") } });

  it("fires when the loss since the phase began reaches the phase's limit, to the cent", () => {
    expect(phaseLoss(micro("90.01"))).toMatchObject({ fired: false, value: "9.99", threshold: "10.00", headroom: "0.01", unit: "USD" });
    expect(phaseLoss(micro("90.00"))).toMatchObject({ fired: true, value: "10.00", headroom: "0.00" });
    expect(phaseLoss(micro("75.5"))).toMatchObject({ fired: true, value: "24.50" });
  });

  it("rounds toward the side of the line it is on, so a reading that did not fire never prints as one that did", () => {
    // $9.995 lost has not reached $10: shown as 9.99, not 10.00.
    expect(phaseLoss(micro("90.005"))).toMatchObject({ fired: false, value: "9.99", headroom: "0.01" });
    // $10.001 lost fired: shown as 10.01, never as 10.00 or below.
    expect(phaseLoss(micro("89.999"))).toMatchObject({ fired: true, value: "10.01" });
  });

  it("never fires without a limit (shadow, small) or without a phase, and a gain is no loss", () => {
    expect(phaseLoss(snapshot({ equity: new Dec(1), phase: { mode: "live", phase: "small", startEquity: new Dec(100_000) } })).fired).toBe(false);
    expect(phaseLoss(snapshot({ equity: new Dec(1) })).fired).toBe(false);
    expect(phaseLoss(micro("130"))).toMatchObject({ fired: false, value: "0.00", headroom: "10.00" });
  });

  it("shows its amounts in dollars", () => {
    expect(withUnit("10.00", "USD")).toBe("$10.00");
    expect(withUnit("5.2", "%")).toBe("5.2%");
    expect(withUnit("3", "count")).toBe("3");
  });
});
