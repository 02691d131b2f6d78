import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import { type BacktestBar, BacktestInputError } from "../../src/domain/backtest/bar.js";
import { commissionFor, type CostModel, describeCosts, FREE } from "../../src/domain/backtest/costs.js";
import { type BacktestOrder, executeOnNextBar, type ExecutionOutcome } from "../../src/domain/backtest/execution.js";

const d = (v: string | number) => new Dec(v);
const bar = (date: string, open: string, high: string, low: string, close: string): BacktestBar => ({ date, open: d(open), high: d(high), low: d(low), close: d(close) });

/** 5 bps slippage; 1.00 per order + 0.005 per share, at least 1.00. */
const COSTS: CostModel = { slippageBps: 5, commissionPerOrder: d("1"), commissionPerShare: d("0.005"), commissionMinimum: d("1") };
const NEXT = bar("2024-01-03", "50", "51", "49", "50.5");
const order = (o: Partial<BacktestOrder> = {}): BacktestOrder => ({ decidedOn: "2024-01-02", side: "BUY", quantity: 100, ...o });

function expectDec(actual: Dec, expected: string): void {
  expect(actual.toFixed(), `expected ${expected}, got ${actual.toFixed()}`).toBe(d(expected).toFixed());
}

function filled(outcome: ExecutionOutcome) {
  if (!outcome.filled) throw new Error(`expected a fill, got ${outcome.reason}: ${outcome.detail}`);
  return outcome;
}

describe("executeOnNextBar: market orders fill at the next bar's open", () => {
  it("a BUY pays the open plus 5 bps, commission 1.50, cash to the cent", () => {
    const out = filled(executeOnNextBar(order(), NEXT, COSTS));
    expect(out.rule).toBe("next-open");
    expect(out.fill.date).toBe("2024-01-03");
    expect(out.fill.reference).toBe("open");
    expectDec(out.fill.referencePrice, "50");
    expectDec(out.fill.price, "50.025");
    expectDec(out.fill.gross, "5002.50");
    expectDec(out.fill.commission, "1.50");
    expectDec(out.fill.net, "-5004.00");
    expectDec(out.fill.slippageCost, "2.5");
  });

  it("a SELL receives the open less 5 bps: slippage moves against the seller", () => {
    const out = filled(executeOnNextBar(order({ side: "SELL" }), NEXT, COSTS));
    expectDec(out.fill.price, "49.975");
    expectDec(out.fill.gross, "4997.50");
    expectDec(out.fill.net, "4996.00");
  });

  it("rounds gross and commission half-up to the cent (half-even would give 50.02 and 0.02)", () => {
    const perShareOnly: CostModel = { slippageBps: 5, commissionPerOrder: d(0), commissionPerShare: d("0.005"), commissionMinimum: d(0) };
    const out = filled(executeOnNextBar(order({ quantity: 5 }), bar("2024-01-03", "10", "10", "10", "10"), perShareOnly));
    expectDec(out.fill.price, "10.005");
    expectDec(out.fill.gross, "50.03");
    expectDec(out.fill.commission, "0.03");
    expectDec(out.fill.net, "-50.06");
  });

  it("raises a small order's commission to the minimum", () => {
    expectDec(commissionFor(COSTS, 100), "1.50");
    expectDec(commissionFor({ ...COSTS, commissionPerOrder: d(0) }, 100), "1.00");
    expectDec(commissionFor({ ...COSTS, commissionPerOrder: d(0) }, 1000), "5.00");
  });

  it("with no costs the fill is the open itself", () => {
    const out = filled(executeOnNextBar(order(), NEXT, FREE));
    expectDec(out.fill.price, "50");
    expectDec(out.fill.net, "-5000");
    expectDec(out.fill.slippageCost, "0");
  });

  it("passes a BUY's protective stop through to the fill", () => {
    const out = filled(executeOnNextBar(order({ stop: d("47.5") }), NEXT, COSTS));
    expectDec(out.stop!, "47.5");
    expect(filled(executeOnNextBar(order(), NEXT, COSTS)).stop).toBeNull();
  });

  it("an order decided on the last bar never fills, and says so", () => {
    const out = executeOnNextBar(order(), undefined, COSTS);
    expect(out).toMatchObject({ filled: false, reason: "no-next-bar", date: null });
  });
});

describe("executeOnNextBar: limits fill when the bar reaches them", () => {
  it("a BUY limit inside the bar's range fills at the limit, without slippage", () => {
    const out = filled(executeOnNextBar(order({ limit: d("49.5") }), NEXT, COSTS));
    expect(out.rule).toBe("limit-crossed");
    expect(out.fill.reference).toBe("limit");
    expectDec(out.fill.price, "49.5");
    expectDec(out.fill.net, "-4951.50");
  });

  it("a BUY limit exactly at the low fills (touching counts)", () => {
    expectDec(filled(executeOnNextBar(order({ limit: d("49") }), NEXT, COSTS)).fill.price, "49");
  });

  it("a BUY limit below the low does not fill and says why", () => {
    const out = executeOnNextBar(order({ limit: d("48") }), NEXT, COSTS);
    expect(out).toEqual({ filled: false, reason: "limit-not-reached", date: "2024-01-03", detail: "BUY limit 48.00 not reached on 2024-01-03 (low 49.00)" });
  });

  it("a BUY limit above the open fills at the open with slippage, never above the limit", () => {
    const wide = filled(executeOnNextBar(order({ limit: d("51") }), NEXT, COSTS));
    expect(wide.rule).toBe("limit-at-open");
    expectDec(wide.fill.price, "50.025");
    const tight = filled(executeOnNextBar(order({ limit: d("50.01") }), NEXT, COSTS));
    expectDec(tight.fill.price, "50.01");
  });

  it("a SELL limit inside the range fills at the limit; above the high it does not", () => {
    const hit = filled(executeOnNextBar(order({ side: "SELL", limit: d("50.8") }), NEXT, COSTS));
    expect(hit.rule).toBe("limit-crossed");
    expectDec(hit.fill.price, "50.8");
    expectDec(hit.fill.net, "5078.50");
    const miss = executeOnNextBar(order({ side: "SELL", limit: d("52") }), NEXT, COSTS);
    expect(miss).toMatchObject({ filled: false, reason: "limit-not-reached", detail: "SELL limit 52.00 not reached on 2024-01-03 (high 51.00)" });
  });

  it("a SELL limit below the open fills at the open less slippage, never below the limit", () => {
    expectDec(filled(executeOnNextBar(order({ side: "SELL", limit: d("45") }), NEXT, COSTS)).fill.price, "49.975");
    expectDec(filled(executeOnNextBar(order({ side: "SELL", limit: d("49.99") }), NEXT, COSTS)).fill.price, "49.99");
  });
});

describe("executeOnNextBar: bad input is a clear error", () => {
  const cases: [string, () => unknown, RegExp][] = [
    ["quantity 0", () => executeOnNextBar(order({ quantity: 0 }), NEXT, COSTS), /BUY quantity must be a positive whole number of shares, got 0/],
    ["negative quantity", () => executeOnNextBar(order({ quantity: -5 }), NEXT, COSTS), /got -5/],
    ["fractional quantity", () => executeOnNextBar(order({ quantity: 1.5 }), NEXT, COSTS), /got 1.5/],
    ["negative open", () => executeOnNextBar(order(), bar("2024-01-03", "-1", "51", "49", "50"), COSTS), /2024-01-03 open must be a positive price, got -1/],
    ["low above high", () => executeOnNextBar(order(), bar("2024-01-03", "50", "49", "51", "50"), COSTS), /2024-01-03 bar has low 51 above high 49/],
    ["open outside range", () => executeOnNextBar(order(), bar("2024-01-03", "55", "51", "49", "50"), COSTS), /open 55 outside its range 49..51/],
    ["negative limit", () => executeOnNextBar(order({ limit: d("-1") }), NEXT, COSTS), /BUY limit must be a positive price/],
    ["stop on a SELL", () => executeOnNextBar(order({ side: "SELL", stop: d("40") }), NEXT, COSTS), /only a BUY carries a protective stop/],
    ["stop above limit", () => executeOnNextBar(order({ limit: d("50"), stop: d("50") }), NEXT, COSTS), /BUY stop 50.00 must be below its limit 50.00/],
    ["same-day bar (look-ahead)", () => executeOnNextBar(order(), { ...NEXT, date: "2024-01-02" }, COSTS), /fills come from a later bar/],
    ["bad date", () => executeOnNextBar(order({ decidedOn: "2024-13-01" }), NEXT, COSTS), /order decision date must be a date written YYYY-MM-DD/],
    ["negative slippage", () => executeOnNextBar(order(), NEXT, { ...COSTS, slippageBps: -1 }), /slippage must be from 0 to under 10000 basis points, got -1/],
    ["negative commission", () => executeOnNextBar(order(), NEXT, { ...COSTS, commissionPerShare: d("-0.01") }), /commission per share must be a non-negative amount/],
  ];
  for (const [name, run, message] of cases) {
    it(`refuses ${name}`, () => {
      expect(run).toThrow(BacktestInputError);
      expect(run).toThrow(message);
    });
  }
});

describe("describeCosts", () => {
  it("prints the costs for the report header", () => {
    expect(describeCosts(COSTS)).toBe("slippage 5 bps against the trade; commission 1.00 per order + 0.005 per share, minimum 1.00; cash to the cent, half-up");
    expect(describeCosts(FREE)).toBe("slippage 0 bps against the trade; no commission; cash to the cent, half-up");
  });
});
