import { describe, expect, it } from "vitest";
import { type BacktestBar, BacktestInputError } from "../../src/domain/backtest/bar.js";
import { type BenchmarkInput, buyAndHold } from "../../src/domain/backtest/benchmark.js";
import { type CostModel, FREE } from "../../src/domain/backtest/costs.js";
import { Dec } from "../../src/domain/decimal.js";
import { computeMetrics } from "../../src/domain/metrics.js";

const d = (v: string | number) => new Dec(v);
const bar = (date: string, open: string, high: string, low: string, close: string): BacktestBar => ({ date, open: d(open), high: d(high), low: d(low), close: d(close) });

/** 10 bps slippage; 1.00 per order + 0.005 per share, at least 1.00. */
const COSTS: CostModel = { slippageBps: 10, commissionPerOrder: d("1"), commissionPerShare: d("0.005"), commissionMinimum: d("1") };

const AAA = [bar("2024-01-02", "10.00", "10.50", "9.80", "10.20"), bar("2024-01-03", "10.20", "10.40", "10.00", "10.10"), bar("2024-01-04", "10.10", "10.60", "10.05", "10.50")];
const BBB = [bar("2024-01-02", "50.00", "51.00", "49.50", "50.50"), bar("2024-01-03", "50.50", "52.00", "50.00", "51.75"), bar("2024-01-04", "51.50", "51.60", "49.00", "49.25")];

const curve = (r: ReturnType<typeof buyAndHold>) => r.equityCurve.map((p) => [p.day, p.equity.toFixed(2)]);

describe("buyAndHold: 2 tickers, 3 days, checked by hand", () => {
  /*
   * capital 10,000 -> 5,000.00 each.
   * AAA: open 10.00 + 10 bps = 10.01. 499 shares: gross 4,994.99, commission 1 + 2.495 = 3.495 -> 3.50,
   *      cost 4,998.49 <= 5,000; 500 shares: gross 5,005.00, too much.
   * BBB: open 50.00 + 10 bps = 50.05. 99 shares: gross 4,954.95, commission 1 + 0.495 -> 1.50,
   *      cost 4,956.45; 100 shares: gross 5,005.00, too much.
   * cash 10,000 - 4,998.49 - 4,956.45 = 45.06.
   * day 1: 45.06 + 499 x 10.20 + 99 x 50.50 = 45.06 + 5,089.80 + 4,999.50 = 10,134.36
   * day 2: 45.06 + 499 x 10.10 + 99 x 51.75 = 45.06 + 5,039.90 + 5,123.25 = 10,208.21
   * day 3: 45.06 + 499 x 10.50 + 99 x 49.25 = 45.06 + 5,239.50 + 4,875.75 = 10,160.31
   */
  const input: BenchmarkInput = { capital: d("10000"), costs: COSTS, series: [{ ticker: "AAA", bars: AAA }, { ticker: "BBB", bars: BBB }] };
  const result = buyAndHold(input);

  it("buys the most whole shares each allotment pays for at the first open, slippage and commission included", () => {
    const [aaa, bbb] = result.holdings;
    expect(aaa!.allotment.toFixed(2)).toBe("5000.00");
    expect(aaa!.quantity).toBe(499);
    expect(aaa!.fill!.date).toBe("2024-01-02");
    expect(aaa!.fill!.price.toFixed()).toBe("10.01");
    expect(aaa!.fill!.gross.toFixed(2)).toBe("4994.99");
    expect(aaa!.fill!.commission.toFixed(2)).toBe("3.50");
    expect(aaa!.fill!.net.toFixed(2)).toBe("-4998.49");
    expect(bbb!.quantity).toBe(99);
    expect(bbb!.fill!.price.toFixed()).toBe("50.05");
    expect(bbb!.fill!.net.toFixed(2)).toBe("-4956.45");
    expect(result.cash.toFixed()).toBe("45.06");
    expect(result.commissionPaid.toFixed()).toBe("5");
    expect(result.slippagePaid.toFixed()).toBe("9.94"); // 499 x 0.01 + 99 x 0.05
  });

  it("values the holdings at each day's close, to the cent and exactly", () => {
    expect(curve(result)).toEqual([
      ["2024-01-02", "10134.36"],
      ["2024-01-03", "10208.21"],
      ["2024-01-04", "10160.31"],
    ]);
    expect(result.equityCurve.at(-1)!.equity.toFixed()).toBe("10160.31");
    expect(result.startingEquity.toFixed()).toBe("10000");
  });

  it("feeds metrics.ts as it is: total return 1.6031%, max drawdown from the 10,208.21 peak", () => {
    const m = computeMetrics({ trades: [], equityCurve: result.equityCurve, startingEquity: result.startingEquity });
    expect(m.totalReturn!.toFixed()).toBe("0.016031");
    expect(m.maxDrawdown!.toFixed(10)).toBe(d("10160.31").div("10208.21").minus(1).toFixed(10));
  });
});

describe("buyAndHold: days a ticker does not trade", () => {
  it("a ticker without a bar on a day is carried at its last close", () => {
    const r = buyAndHold({ capital: d("10000"), costs: FREE, series: [{ ticker: "AAA", bars: AAA }, { ticker: "BBB", bars: [BBB[0]!, BBB[2]!] }] });
    // Free: AAA 500 @ 10.00, BBB 100 @ 50.00, cash 0. Day 2 has no BBB bar: BBB stays at 50.50.
    expect(r.holdings.map((h) => h.quantity)).toEqual([500, 100]);
    expect(curve(r)).toEqual([
      ["2024-01-02", "10150.00"], // 5,100 + 5,050
      ["2024-01-03", "10100.00"], // 5,050 + 5,050 (carried)
      ["2024-01-04", "10175.00"], // 5,250 + 4,925
    ]);
  });

  it("a ticker whose first bar comes later is bought at that bar's open; its allotment is cash until then", () => {
    const r = buyAndHold({ capital: d("10000"), costs: COSTS, series: [{ ticker: "AAA", bars: AAA }, { ticker: "BBB", bars: BBB.slice(1) }] });
    // BBB on 2024-01-03: open 50.50 + 10 bps = 50.5505; 98 shares: gross 4,953.949 -> 4,953.95, commission 1.49, cost 4,955.44.
    const bbb = r.holdings[1]!;
    expect(bbb.quantity).toBe(98);
    expect(bbb.fill!.date).toBe("2024-01-03");
    expect(bbb.fill!.net.toFixed(2)).toBe("-4955.44");
    expect(r.cash.toFixed()).toBe(d("10000").minus("4998.49").minus("4955.44").toFixed()); // 46.07
    expect(curve(r)).toEqual([
      ["2024-01-02", "10091.31"], // 5,001.51 cash + 499 x 10.20
      ["2024-01-03", "10157.47"], // 46.07 + 5,039.90 + 98 x 51.75 (5,071.50)
      ["2024-01-04", "10112.07"], // 46.07 + 5,239.50 + 98 x 49.25 (4,826.50)
    ]);
  });

  it("an allotment below one share buys nothing and says so; it stays cash", () => {
    const r = buyAndHold({ capital: d("100"), costs: COSTS, series: [{ ticker: "AAA", bars: AAA }, { ticker: "BBB", bars: BBB }] });
    // 50.00 each. AAA: 4 shares at 10.01 = 40.04, commission 1 + 0.02 = 1.02, cost 41.06; 5 shares = 50.05, too much.
    // BBB: one share at 50.05 is already above 50.00.
    expect(r.holdings[0]!.quantity).toBe(4);
    expect(r.holdings[1]!.quantity).toBe(0);
    expect(r.holdings[1]!.fill).toBeNull();
    expect(r.holdings[1]!.note).toBe("the allotment 50.00 does not buy one share at 50.00 with costs");
    expect(r.cash.toFixed()).toBe("58.94");
    expect(r.equityCurve[0]!.equity.toFixed()).toBe("99.74"); // 58.94 + 4 x 10.20
  });

  it("splits an uneven capital down to the cent", () => {
    const r = buyAndHold({ capital: d("100000"), costs: FREE, series: ["A", "B", "C"].map((ticker) => ({ ticker, bars: AAA })) });
    expect(r.holdings[0]!.allotment.toFixed()).toBe("33333.33");
    expect(r.holdings.map((h) => h.quantity)).toEqual([3333, 3333, 3333]);
  });
});

describe("buyAndHold: bad input is one line", () => {
  const ok: BenchmarkInput = { capital: d("10000"), costs: FREE, series: [{ ticker: "AAA", bars: AAA }] };
  it.each<[string, BenchmarkInput, string]>([
    ["no capital", { ...ok, capital: d(0) }, "benchmark capital must be above 0, got 0"],
    ["no tickers", { ...ok, series: [] }, "the benchmark needs at least one ticker"],
    ["a ticker twice", { ...ok, series: [{ ticker: "AAA", bars: AAA }, { ticker: "AAA", bars: AAA }] }, "benchmark: AAA is given twice"],
    ["no bars", { ...ok, series: [{ ticker: "AAA", bars: [] }] }, "benchmark: AAA has no bars in range"],
    ["bars out of order", { ...ok, series: [{ ticker: "AAA", bars: [AAA[1]!, AAA[0]!] }] }, "benchmark: AAA's bars must be oldest first, one a day; 2024-01-02 follows 2024-01-03"],
    ["a bad bar", { ...ok, series: [{ ticker: "AAA", bars: [bar("2024-01-02", "12", "11", "10", "10.5")] }] }, "2024-01-02 bar has open 12 outside its range 10..11"],
    ["bad costs", { ...ok, costs: { ...FREE, slippageBps: -1 } }, "slippage must be from 0 to under 10000 basis points, got -1"],
  ])("%s", (_, input, message) => {
    expect(() => buyAndHold(input)).toThrow(new BacktestInputError(message));
  });
});
