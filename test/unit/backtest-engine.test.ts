import { describe, expect, it } from "vitest";
import type { BacktestBar } from "../../src/domain/backtest/bar.js";
import { type BacktestRun, type BacktestSeries, type BacktestTrade, runBacktest } from "../../src/domain/backtest/engine.js";
import { type DecisionInput, smaCrossStrategy } from "../../src/domain/backtest/strategies.js";
import type { Signal } from "../../src/domain/vocabulary.js";
import type { WarRoomSignal } from "../../src/domain/warroom/types.js";
import { bar, config, d, flat, FREE, type Script, scripted, show, THRESHOLDS } from "../support/backtest.js";

/**
 * Scenario tests of the backtest engine on small hand-made bars, driven by a scripted strategy
 * (the War Room is not the point here; see backtest-engine-halts.test.ts for it and the halts).
 * Costs: 10 bps slippage, $1 + $0.005 a share, minimum $1. A fill price is the reference x
 * (1 ± 0.001) to 6 places; gross and commission each to the cent, half-up.
 */

const series = (ticker: string, bars: BacktestBar[], warmup: BacktestBar[] = [], signals?: WarRoomSignal[]): BacktestSeries => ({ ticker, warmup, bars, signals });
const daysOf = (bars: readonly BacktestBar[]) => bars.map((b) => b.date);

const line = (t: BacktestTrade) => `${t.date} ${t.ticker} ${t.source} ${t.side} ${t.quantity} @ ${show(t.fill.price)} net ${show(t.fill.net)} pnl ${show(t.realizedPnl)} stop ${t.stopAfter ? show(t.stopAfter) : "-"}`;
const equities = (run: BacktestRun) => run.days.map((x) => `${x.day} ${show(x.cash)} + ${show(x.positionsValue)} = ${show(x.equity)}`);
const closesSeen = (input: DecisionInput) => input.closes.map((c) => `${c.day} ${c.close.toString()}`);

describe("runBacktest: a decision fills at the next session's open", () => {
  const bars = [bar("2024-01-02", 100, 101, 99, 100), bar("2024-01-03", 101, 103, 100.5, 102), bar("2024-01-04", 104, 105, 103, 104.5), bar("2024-01-05", 106.01, 107, 105, 106.5)];

  it("buys at day 2's open, sells later at that day's open: cash, cost basis and realised P&L to the cent", () => {
    const { strategy, seen } = scripted({ "AAA 2024-01-03": ["BUY", 15, 90], "AAA 2024-01-05": ["SELL", 15] });
    const run = runBacktest([series("AAA", bars)], daysOf(bars), config(strategy));

    // BUY 15 decided on 01-02's close, filled at 01-03's open 101: 101 x 1.001 = 101.101;
    // gross 15 x 101.101 = 1516.515 -> 1516.52; commission 1 + 15 x 0.005 = 1.075 -> 1.08;
    // net -1517.60, which is the cost basis. Cash 10000 - 1517.60 = 8482.40.
    // SELL 15 at 01-05's open 106.01: 106.01 x 0.999 = 105.90399; gross 1588.55985 -> 1588.56;
    // net 1588.56 - 1.08 = 1587.48; realised 1587.48 - 1517.60 = 69.88; cash 10069.88.
    expect(run.trades.map(line)).toEqual([
      "2024-01-03 AAA strategy BUY 15 @ 101.101 net -1517.60 pnl 0.00 stop 90.00",
      "2024-01-05 AAA strategy SELL 15 @ 105.90399 net 1587.48 pnl 69.88 stop -",
    ]);
    expect(run.trades[0]!.fill.reference).toBe("open");
    expect(run.trades[0]!.fill.referencePrice.toString()).toBe("101");
    // The SELL was decided on 01-04's books: 15 held, cash 8482.40.
    expect(seen.find((s) => s.date === "2024-01-05")!.account).toMatchObject({ heldQuantity: 15, ordersToday: 0 });
    expect(show(seen.find((s) => s.date === "2024-01-05")!.account.cash)).toBe("8482.40");

    // Marked at each close: 15 x 102 = 1530, 15 x 104.5 = 1567.5; flat after the SELL.
    expect(equities(run)).toEqual([
      "2024-01-02 10000.00 + 0.00 = 10000.00",
      "2024-01-03 8482.40 + 1530.00 = 10012.40",
      "2024-01-04 8482.40 + 1567.50 = 10049.90",
      "2024-01-05 10069.88 + 0.00 = 10069.88",
    ]);
    expect(run.final.positions).toHaveLength(1);
    const p = run.final.positions[0]!;
    expect([p.quantity, show(p.costBasis), show(p.realizedPnl), p.stop]).toEqual([0, "0.00", "69.88", null]);
    // The books reconcile: final cash = capital + the sum of the fills' net.
    const netSum = run.trades.reduce((sum, t) => sum.plus(t.fill.net), d(0));
    expect(show(d(10000).plus(netSum))).toBe("10069.88");
    expect(show(run.final.cash)).toBe("10069.88");
    expect(run.decisions).toEqual({ BUY: 1, SELL: 1, HOLD: 2 });
    expect(run.refusals).toEqual([]);
  });
});

describe("runBacktest: no look-ahead", () => {
  const warmup = [flat("2023-12-28", 98), flat("2023-12-29", 99)];
  const bars = [bar("2024-01-02", 100, 101, 99, 100), bar("2024-01-03", 101, 103, 100, 102), bar("2024-01-04", 103, 105, 60, 61)];
  const signal = (at: string, s: Signal): WarRoomSignal => ({ signal: s, confidence: d("0.8"), source: "tv", createdAt: new Date(at) });
  // Given out of order; 01-03's decision is at 13:29:00Z.
  const late = signal("2024-01-03T13:29:01Z", "SELL");
  const atDecision = signal("2024-01-03T13:29:00Z", "HOLD");
  const early = signal("2024-01-02T13:00:00Z", "BUY");
  const evening = signal("2024-01-03T20:00:00Z", "SELL");

  it("hands day N the closes up to day N-1 only (lookback 3), and the signals stamped by the decision", () => {
    const { strategy, seen } = scripted({}, 3);
    runBacktest([series("AAA", bars, warmup, [late, atDecision, early, evening])], daysOf(bars), config(strategy));

    expect(seen.map((s) => s.date)).toEqual(["2024-01-02", "2024-01-03", "2024-01-04"]);
    expect(seen.map(closesSeen)).toEqual([
      ["2023-12-28 98", "2023-12-29 99"],
      ["2023-12-28 98", "2023-12-29 99", "2024-01-02 100"],
      // 01-04's own crash to 61 is never shown to 01-04's decision.
      ["2023-12-29 99", "2024-01-02 100", "2024-01-03 102"],
    ]);
    expect(seen.map((s) => s.now.toISOString())).toEqual(["2024-01-02T13:29:00.000Z", "2024-01-03T13:29:00.000Z", "2024-01-04T13:29:00.000Z"]);
    // The newest close's time: the close of the previous session.
    expect(seen.map((s) => s.priceTime?.toISOString())).toEqual(["2023-12-29T21:00:00.000Z", "2024-01-02T21:00:00.000Z", "2024-01-03T21:00:00.000Z"]);
    // createdAt <= now: the signal at exactly 13:29:00 is in, the one a second later waits a day.
    expect(seen.map((s) => s.signals)).toEqual([[early], [early, atDecision], [early, atDecision, late, evening]]);
  });
});

describe("runBacktest: warm-up bars are history the first decision reads", () => {
  // SMA2 / SMA3 over 10, 10, 10, 12: before the last close 10 <= 10, after it
  // (10 + 12) / 2 = 11 > (10 + 10 + 12) / 3 = 10.67: a cross up on 12-29's close.
  const warmup = [flat("2023-12-26", 10), flat("2023-12-27", 10), flat("2023-12-28", 10), bar("2023-12-29", 10, 12, 10, 12)];
  const bars = [bar("2024-01-02", 12.1, 12.3, 12, 12.2), bar("2024-01-03", 12.3, 12.5, 12.2, 12.4)];
  const sma = () => smaCrossStrategy({ fast: 2, slow: 3, sizePct: 20 }, 100);

  it("the first decision sees the warm-up closes and their last close's time", () => {
    const { strategy, seen } = scripted({}, 5);
    runBacktest([series("AAA", bars, warmup)], daysOf(bars), config(strategy));
    expect(closesSeen(seen[0]!)).toEqual(["2023-12-26 10", "2023-12-27 10", "2023-12-28 10", "2023-12-29 12"]);
    // Valued at the warm-up's last close, but nothing is held: equity is the capital.
    expect(show(seen[0]!.account.equity)).toBe("10000.00");
  });

  it("sma-cross buys on the first run day when the warm-up holds slow + 1 closes", () => {
    const run = runBacktest([series("AAA", bars, warmup)], daysOf(bars), config(sma()));
    // 20% of 10000 at the last close 12: floor(2000 / 12) = 166 shares, at 12.10 x 1.001 = 12.1121;
    // gross 166 x 12.1121 = 2010.6086 -> 2010.61; commission 1 + 0.83 = 1.83; net -2012.44.
    // No stop named: the default 5% under the average entry 2012.44 / 166 = 12.123133 (6 places)
    // x 0.95 = 11.5169764 -> 11.52.
    expect(run.trades.map(line)).toEqual(["2024-01-02 AAA strategy BUY 166 @ 12.1121 net -2012.44 pnl 0.00 stop 11.52"]);
  });

  it("without warm-up the first run day has nothing to decide on: no trade, and a scripted BUY has no price", () => {
    expect(runBacktest([series("AAA", bars)], daysOf(bars), config(sma())).trades).toEqual([]);
    const { strategy, seen } = scripted({ "AAA 2024-01-02": ["BUY", 10] });
    const run = runBacktest([series("AAA", bars)], daysOf(bars), config(strategy));
    expect(seen[0]!.closes).toEqual([]);
    expect(seen[0]!.priceTime).toBeNull();
    expect(run.trades).toEqual([]);
    expect(run.refusals).toEqual([{ date: "2024-01-02", ticker: "AAA", side: "BUY", quantity: 10, codes: ["no_price"], messages: ["no price is known for AAA"] }]);
  });
});

describe("runBacktest: the stop is checked against each bar's low", () => {
  const before = bar("2024-01-02", 100, 101, 99, 100);
  const fillBar = bar("2024-01-03", 100, 101, 98, 100);
  // BUY 10 at 01-03's open 100: 100.1 a share, gross 1001.00, commission 1.05, net -1002.05.
  const run = (script: Script, bars: BacktestBar[]) => runBacktest([series("AAA", bars)], daysOf(bars), config(scripted(script).strategy));

  it("a low that reaches the stop sells at the stop less slippage", () => {
    const out = run({ "AAA 2024-01-03": ["BUY", 10, 95] }, [before, fillBar, bar("2024-01-04", 98, 99, 94, 96)]);
    // 95 x 0.999 = 94.905; gross 949.05; net 949.05 - 1.05 = 948.00; realised 948.00 - 1002.05 = -54.05.
    expect(out.trades.map(line)).toEqual([
      "2024-01-03 AAA strategy BUY 10 @ 100.10 net -1002.05 pnl 0.00 stop 95.00",
      "2024-01-04 AAA stop-loss SELL 10 @ 94.905 net 948.00 pnl -54.05 stop -",
    ]);
    expect(out.trades[1]!.reason).toBe("the low reached the stop 95.00");
    expect(out.trades[1]!.fill.reference).toBe("stop");
    // 10000 - 1002.05 + 948.00
    expect(show(out.final.cash)).toBe("9945.95");
  });

  it("a bar that opens below the stop sells at the open, not at the stop", () => {
    const out = run({ "AAA 2024-01-03": ["BUY", 10, 95] }, [before, fillBar, bar("2024-01-04", 90, 92, 89, 91)]);
    // 90 x 0.999 = 89.91; gross 899.10; net 898.05; realised 898.05 - 1002.05 = -104.00.
    expect(out.trades.map(line)[1]).toBe("2024-01-04 AAA stop-loss SELL 10 @ 89.91 net 898.05 pnl -104.00 stop -");
    expect(out.trades[1]!.reason).toBe("gapped through the stop 95.00: sold at the open");
    expect(out.trades[1]!.fill.reference).toBe("open");
  });

  it("a BUY whose fill bar reaches its (default) stop is stopped out that same day; a cent above holds", () => {
    // Default stop: average entry 1002.05 / 10 = 100.205 x 0.95 = 95.19475 -> 95.19.
    // 95.19 x 0.999 = 95.09481; gross 950.9481 -> 950.95; net 949.90; realised -52.15.
    const hit = run({ "AAA 2024-01-03": ["BUY", 10] }, [before, bar("2024-01-03", 100, 101, 95.19, 96)]);
    expect(hit.trades.map(line)).toEqual([
      "2024-01-03 AAA strategy BUY 10 @ 100.10 net -1002.05 pnl 0.00 stop 95.19",
      "2024-01-03 AAA stop-loss SELL 10 @ 95.09481 net 949.90 pnl -52.15 stop -",
    ]);
    const held = run({ "AAA 2024-01-03": ["BUY", 10] }, [before, bar("2024-01-03", 100, 101, 95.2, 96)]);
    expect(held.trades.map((t) => t.source)).toEqual(["strategy"]);
  });
});

describe("runBacktest: tickers share one cash balance", () => {
  const aaa = [bar("2024-01-02", 100, 101, 99, 100), bar("2024-01-03", 102, 103, 101, 102)];
  const bbb = [bar("2024-01-02", 50, 51, 49, 50), bar("2024-01-03", 50, 51, 49, 50)];
  const days = daysOf(aaa);

  it("a BUY the open makes dearer than the cash is cut; the next ticker's BUY is refused for buying power", () => {
    const { strategy } = scripted({ "AAA 2024-01-03": ["BUY", 99, 90], "BBB 2024-01-03": ["BUY", 10, 45] });
    const run = runBacktest([series("AAA", aaa), series("BBB", bbb)], days, config(strategy));
    // Pre-trade at the last close 100: 9900 x 1.001 + commission 1.495 -> 1.50 = 9911.40 <= 10000: passes.
    // At the open 102 x 1.001 = 102.102, 99 shares cost 10108.10 + 1.50: too much. 98 cost
    // 10006.00 + 1.49 > 10000; 97 cost 9903.89 (9903.894) + 1.49 (1.485) = 9905.38: cut to 97.
    expect(run.trades.map(line)).toEqual(["2024-01-03 AAA strategy BUY 97 @ 102.102 net -9905.38 pnl 0.00 stop 90.00"]);
    expect(run.trades[0]!.reason).toBe("script: BUY; cut to 97 (at the open 102.00 the order costs more than the cash)");
    // Cash left 10000 - 9905.38 = 94.62; BBB needs 500 x 1.001 + 1.05 = 501.55.
    expect(run.refusals).toEqual([
      { date: "2024-01-03", ticker: "BBB", side: "BUY", quantity: 10, codes: ["buying_power"], messages: ["needs about $501.55, cash is $94.62"] },
    ]);
    // 94.62 + 97 x 102 = 9988.62
    expect(equities(run)[1]).toBe("2024-01-03 94.62 + 9894.00 = 9988.62");
  });

  it("an order that would take a ticker over concentrationPct is refused by the pre-trade check", () => {
    const { strategy } = scripted({ "AAA 2024-01-03": ["BUY", 25, 90], "BBB 2024-01-03": ["BUY", 70, 45] });
    const run = runBacktest([series("AAA", aaa), series("BBB", bbb)], days, config(strategy, { thresholds: { ...THRESHOLDS, concentrationPct: 30 } }));
    // AAA 25 x 100 = 25% passes: 25 x 102.102 = 2552.55, commission 1.125 -> 1.13, cash 7446.32.
    // BBB: equity 7446.32 + 25 x 100 = 9946.32; 70 x 50 = 3500 is 35.188...% -> "35.19" (rounded up).
    expect(run.trades.map(line)).toEqual(["2024-01-03 AAA strategy BUY 25 @ 102.102 net -2553.68 pnl 0.00 stop 90.00"]);
    expect(run.refusals).toEqual([
      { date: "2024-01-03", ticker: "BBB", side: "BUY", quantity: 70, codes: ["concentration"], messages: ["BBB would be 35.19% of equity (limit 30%)"] },
    ]);
    expect(run.halts).toEqual([]);
  });

  // AAA: BUY 90 at 01-03's open 100 (no costs), stop 95: cash 1000. On 01-04 AAA's low 94 reaches
  // the stop during the session: 90 x 95 = 8550 comes back. BBB's BUY 100 (~$5000) is decided
  // before that open, when the cash is 1000: it must be refused whichever ticker is listed first.
  const stopDay = (order: "AAA first" | "BBB first") => {
    const aaaBars = [flat("2024-01-02", 100), bar("2024-01-03", 100, 101, 99, 100), bar("2024-01-04", 98, 99, 94, 96)];
    const bbbBars = [flat("2024-01-02", 50), flat("2024-01-03", 50), bar("2024-01-04", 50, 51, 49, 50)];
    const { strategy, seen } = scripted({ "AAA 2024-01-03": ["BUY", 90, 95], "BBB 2024-01-04": ["BUY", 100, 45] });
    const both = [series("AAA", aaaBars), series("BBB", bbbBars)];
    const run = runBacktest(order === "AAA first" ? both : both.reverse(), daysOf(aaaBars), config(strategy, { costs: FREE }));
    const bbbDecision = seen.find((s) => s.ticker === "BBB" && s.date === "2024-01-04")!;
    return { cash: show(bbbDecision.account.cash), refusals: run.refusals.map((r) => `${r.ticker} ${r.codes.join()} ${r.messages.join()}`), bbbTrades: run.trades.filter((t) => t.ticker === "BBB").length };
  };
  const beforeTheOpen = { cash: "1000.00", refusals: ["BBB buying_power needs about $5000.00, cash is $1000.00"], bbbTrades: 0 };

  it("a decision before the open does not see another ticker's stop exit later that session (BBB listed first)", () => {
    expect(stopDay("BBB first")).toEqual(beforeTheOpen);
  });

  // Every ticker's open comes before any ticker's stop: AAA's intraday stop exit is booked after
  // BBB's decision and fill at the open, whatever order the tickers are listed in.
  it("a decision before the open does not see another ticker's stop exit later that session (AAA listed first)", () => {
    expect(stopDay("AAA first")).toEqual(beforeTheOpen);
  });
});

describe("runBacktest: a ticker without a bar on a day another ticker trades", () => {
  const aaa = [bar("2024-01-02", 100, 101, 99, 100), bar("2024-01-03", 100, 101, 99, 100), bar("2024-01-04", 100, 102, 99, 101), bar("2024-01-05", 101, 102, 100, 101)];
  const bbb = [bar("2024-01-02", 50, 51, 49, 50), bar("2024-01-03", 50, 52, 49.5, 51), bar("2024-01-05", 53, 54, 52, 53)];

  it("is neither asked nor filled that day, and is valued at its last close", () => {
    const { strategy, seen } = scripted({ "BBB 2024-01-03": ["BUY", 10, 40], "BBB 2024-01-04": ["BUY", 5, 40], "AAA 2024-01-04": ["BUY", 10, 90] });
    const run = runBacktest([series("AAA", aaa), series("BBB", bbb)], daysOf(aaa), config(strategy, { costs: FREE }));
    expect(seen.filter((s) => s.ticker === "BBB").map((s) => s.date)).toEqual(["2024-01-02", "2024-01-03", "2024-01-05"]);
    // 01-05's BBB decision reads up to its own last bar, 01-03.
    expect(closesSeen(seen.find((s) => s.ticker === "BBB" && s.date === "2024-01-05")!).at(-1)).toBe("2024-01-03 51");
    expect(run.trades.map(line)).toEqual([
      "2024-01-03 BBB strategy BUY 10 @ 50.00 net -500.00 pnl 0.00 stop 40.00",
      "2024-01-04 AAA strategy BUY 10 @ 100.00 net -1000.00 pnl 0.00 stop 90.00",
    ]);
    expect(run.refusals).toEqual([]);
    // 01-04: AAA 10 x 101 = 1010, BBB at its 01-03 close 10 x 51 = 510. 01-05: 1010 + 10 x 53 = 1540.
    expect(equities(run)).toEqual([
      "2024-01-02 10000.00 + 0.00 = 10000.00",
      "2024-01-03 9500.00 + 510.00 = 10010.00",
      "2024-01-04 8500.00 + 1520.00 = 10020.00",
      "2024-01-05 8500.00 + 1540.00 = 10040.00",
    ]);
  });
});
