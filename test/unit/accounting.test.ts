import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import {
  applyFill,
  averagePrice,
  cashMoved,
  defaultStopPrice,
  type Fill,
  fillPriceWithSlippage,
  type PositionState,
  unrealizedPnl,
} from "../../src/domain/portfolio/accounting.js";

const d = (v: string | number) => new Dec(v);
const buy = (quantity: number, price: string, commission = "0"): Fill => ({ side: "BUY", quantity, price: d(price), commission: d(commission) });
const sell = (quantity: number, price: string, commission = "0"): Fill => ({ side: "SELL", quantity, price: d(price), commission: d(commission) });

/** Decimal equality by value ("10.0000" equals "10"). */
function expectDec(actual: Dec | null, expected: string): void {
  expect(actual, `expected ${expected}`).not.toBeNull();
  expect(actual!.toFixed(), `expected ${expected}, got ${actual!.toFixed()}`).toBe(d(expected).toFixed());
}

describe("applyFill: the worked average-cost example", () => {
  const first = applyFill(undefined, "AAPL", buy(100, "10", "1"));
  const second = applyFill(first.position, "AAPL", buy(50, "12", "1"));
  const third = applyFill(second.position, "AAPL", sell(60, "11", "1"));
  const fourth = applyFill(third.position, "AAPL", sell(90, "9", "1"));

  it("buys 100 @ 10 with $1 commission: cost 1001, average 10.01", () => {
    expect(first.position.quantity).toBe(100);
    expectDec(first.position.costBasis, "1001");
    expectDec(averagePrice(first.position), "10.01");
    expectDec(first.cashDelta, "-1001");
    expectDec(first.realizedPnl, "0");
    expectDec(first.position.realizedPnl, "0");
  });

  it("adds 50 @ 12 with $1: cost 1602, average 10.68", () => {
    expect(second.position.quantity).toBe(150);
    expectDec(second.position.costBasis, "1602");
    expectDec(averagePrice(second.position), "10.68");
    expectDec(second.cashDelta, "-601");
  });

  it("sells 60 @ 11 with $1: removes 640.80, realizes 18.20, cash +659", () => {
    expect(third.position.quantity).toBe(90);
    expectDec(third.position.costBasis, "961.20"); // 1602 - 640.80
    expectDec(third.realizedPnl, "18.20");
    expectDec(third.cashDelta, "659");
    expectDec(third.position.realizedPnl, "18.20");
    expectDec(averagePrice(third.position), "10.68");
  });

  it("sells the remaining 90 @ 9 with $1: removes 961.20, realizes -152.20, leaves nothing", () => {
    expect(fourth.position.quantity).toBe(0);
    expectDec(fourth.position.costBasis, "0");
    expectDec(fourth.realizedPnl, "-152.20");
    expectDec(fourth.cashDelta, "809");
    expect(averagePrice(fourth.position)).toBeNull();
  });

  it("totals: realized -134.00 equals the net cash flow of the round trip", () => {
    expectDec(fourth.position.realizedPnl, "-134");
    const cash = [first, second, third, fourth].reduce((sum, r) => sum.plus(r.cashDelta), d(0));
    expectDec(cash, "-134");
    expect(fourth.position.ticker).toBe("AAPL");
  });
});

describe("applyFill: rounding and residue", () => {
  it("buy 3 @ 10, sell 1: removes 10.0000 and keeps 20", () => {
    const bought = applyFill(undefined, "XYZ", buy(3, "10"));
    const sold = applyFill(bought.position, "XYZ", sell(1, "10"));
    expect(sold.realizedPnl.toFixed(4)).toBe("0.0000");
    expectDec(sold.position.costBasis, "20");
    expect(sold.position.quantity).toBe(2);
  });

  it("thirds of 30.04 (buy 3 @ 10.01 + 0.01) come out 10.01, 10.02 (half a cent rounds up), 10.01: no residue", () => {
    let position: PositionState | undefined;
    const bought = applyFill(position, "XYZ", buy(3, "10.01", "0.01"));
    position = bought.position;
    expectDec(position.costBasis, "30.04");
    expectDec(averagePrice(position), "10.013333");

    const removed: string[] = [];
    const realized: Dec[] = [];
    for (let i = 0; i < 3; i += 1) {
      const before = position.costBasis;
      const result = applyFill(position, "XYZ", sell(1, "11", "0.01"));
      removed.push(before.minus(result.position.costBasis).toFixed(2));
      realized.push(result.realizedPnl);
      expectDec(result.cashDelta, "10.99");
      position = result.position;
    }
    // 30.04 / 3 = 10.0133 -> 10.01; 20.03 / 2 = 10.015 -> 10.02; the last share takes the rest.
    expect(removed).toEqual(["10.01", "10.02", "10.01"]);
    expect(realized.map((r) => r.toFixed(2))).toEqual(["0.98", "0.97", "0.98"]);
    expect(position.quantity).toBe(0);
    expect(position.costBasis.isZero()).toBe(true);
    // 3 * 10.99 proceeds - 30.04 cost, to the cent.
    expectDec(position.realizedPnl, "2.93");
  });

  it("books whole cents: 7 @ 1.234567 moves 8.64 (8.641969 rounded once)", () => {
    const bought = applyFill(undefined, "XYZ", buy(7, "1.234567"));
    expectDec(bought.position.costBasis, "8.64");
    expectDec(bought.cashDelta, "-8.64");
    expect(bought.cash).toEqual({ gross: d("8.64"), commission: d("0"), net: d("-8.64") });
  });
});

describe("cashMoved: the booking rule", () => {
  it("rounds gross and commission once each, half a cent up, and derives net from them", () => {
    // 1 x 0.125 is exactly half a cent over 0.12: half-up gives 0.13 (half-even would give 0.12).
    expect(cashMoved(buy(1, "0.125", "0.005"))).toEqual({ gross: d("0.13"), commission: d("0.01"), net: d("-0.14") });
    expect(cashMoved(sell(1, "0.125", "0.005"))).toEqual({ gross: d("0.13"), commission: d("0.01"), net: d("0.12") });
    // 3 x 33.333333 = 99.999999: one rounding of the product, not three of the price.
    expect(cashMoved(sell(3, "33.333333", "1"))).toEqual({ gross: d("100"), commission: d("1"), net: d("99") });
  });

  it("keeps cash + cost basis - realised P&L constant over many fills with 6-decimal prices", () => {
    // A small seeded generator: the same sequence on every run.
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let position: PositionState | undefined;
    let cash = d("100000");
    for (let i = 0; i < 500; i += 1) {
      const price = d(Math.floor(next() * 100_000_000) + 1_000_000).div(1_000_000); // 1.000000 .. 101.000000
      const held = position?.quantity ?? 0;
      const side = held > 0 && next() < 0.45 ? "SELL" : "BUY";
      const quantity = side === "SELL" ? Math.max(1, Math.floor(next() * held)) : Math.floor(next() * 50) + 1;
      const result = applyFill(position, "RND", (side === "BUY" ? buy : sell)(quantity, price.toFixed(), "0.0049"));
      expect(result.cash.net.decimalPlaces()).toBeLessThanOrEqual(2);
      cash = cash.plus(result.cashDelta);
      position = result.position;
      expectDec(cash.plus(position.costBasis).minus(position.realizedPnl), "100000");
    }
  });
});

describe("applyFill: refusals", () => {
  const held = applyFill(undefined, "AAPL", buy(10, "100")).position;

  it("throws a RangeError when selling more than is held", () => {
    expect(() => applyFill(held, "AAPL", sell(11, "100"))).toThrow(RangeError);
    expect(() => applyFill(undefined, "AAPL", sell(1, "100"))).toThrow(RangeError);
  });

  it("throws a RangeError for zero, negative or fractional quantities", () => {
    for (const quantity of [0, -1, 1.5, Number.NaN]) {
      expect(() => applyFill(held, "AAPL", sell(quantity, "100"))).toThrow(RangeError);
      expect(() => applyFill(held, "AAPL", buy(quantity, "100"))).toThrow(RangeError);
    }
  });

  it("throws a RangeError for a negative price or commission, or another ticker's position", () => {
    expect(() => applyFill(held, "AAPL", buy(1, "-1"))).toThrow(RangeError);
    expect(() => applyFill(held, "AAPL", buy(1, "1", "-0.01"))).toThrow(RangeError);
    expect(() => applyFill(held, "MSFT", buy(1, "1"))).toThrow(RangeError);
  });

  it("leaves the input position untouched", () => {
    applyFill(held, "AAPL", sell(4, "120"));
    expect(held.quantity).toBe(10);
    expectDec(held.costBasis, "1000");
  });
});

describe("unrealizedPnl", () => {
  it("is quantity * last - cost basis", () => {
    const position = applyFill(undefined, "AAPL", buy(100, "10", "1")).position;
    expectDec(unrealizedPnl(position, d("10.5")), "49"); // 1050 - 1001
    expectDec(unrealizedPnl(position, d("9.99")), "-2"); // 999 - 1001
  });

  it("is zero when flat", () => {
    const bought = applyFill(undefined, "AAPL", buy(1, "10"));
    const flat = applyFill(bought.position, "AAPL", sell(1, "12")).position;
    expectDec(unrealizedPnl(flat, d("50")), "0");
  });
});

describe("fillPriceWithSlippage", () => {
  it("5 bps on 100: a buy pays 100.050000, a sell receives 99.950000", () => {
    expect(fillPriceWithSlippage("BUY", d("100"), 5).toFixed(6)).toBe("100.050000");
    expect(fillPriceWithSlippage("SELL", d("100"), 5).toFixed(6)).toBe("99.950000");
  });

  it("rounds to 6 places half-even and is the reference at 0 bps", () => {
    expectDec(fillPriceWithSlippage("BUY", d("10.123457"), 1), "10.124469"); // 10.1244693457
    expectDec(fillPriceWithSlippage("SELL", d("63.03"), 0), "63.03");
  });

  it("refuses negative or absurd slippage", () => {
    expect(() => fillPriceWithSlippage("BUY", d("100"), -1)).toThrow(RangeError);
    expect(() => fillPriceWithSlippage("SELL", d("100"), 10_000)).toThrow(RangeError);
  });
});

describe("defaultStopPrice", () => {
  it("NKE 259 @ 63.03 with a 5% stop: cost 16,324.77, stop 59.88 (the seed)", () => {
    const nke = applyFill(undefined, "NKE", buy(259, "63.03")).position;
    expectDec(nke.costBasis, "16324.77");
    expectDec(averagePrice(nke), "63.03");
    expect(defaultStopPrice(d("63.03"), 5).toFixed(2)).toBe("59.88"); // 59.8785
    expectDec(unrealizedPnl(nke, d("59.88")), "-815.85"); // 259 * -3.15
  });

  it("rounds half-even to cents and refuses percentages outside [0, 100)", () => {
    expect(defaultStopPrice(d("10.05"), 10).toFixed(2)).toBe("9.04"); // 9.045 -> 9.04
    expect(defaultStopPrice(d("10.15"), 10).toFixed(2)).toBe("9.14"); // 9.135 -> 9.14
    expect(() => defaultStopPrice(d("10"), 100)).toThrow(RangeError);
    expect(() => defaultStopPrice(d("10"), -5)).toThrow(RangeError);
  });
});
