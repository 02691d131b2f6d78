import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import { accountValuation, positionValue } from "../../src/domain/portfolio/valuation.js";

const d = (v: string) => new Dec(v);

/** Decimal equality by value and exactly ("10.0000" equals "10"; no float drift allowed). */
function expectDec(actual: Dec, expected: string): void {
  expect(actual.toFixed(), `expected ${expected}, got ${actual.toFixed()}`).toBe(d(expected).toFixed());
}

describe("positionValue", () => {
  it("values a priced position at quantity x last price, whatever it cost", () => {
    // 3 x 0.1 = 0.3 exactly (a binary float gives 0.30000000000000004).
    expectDec(positionValue({ quantity: 3, lastPrice: d("0.1"), costBasis: d("999") }), "0.3");
    // 250 x 100.123456 = 25,030.864 (all six price places kept, nothing rounded).
    expectDec(positionValue({ quantity: 250, lastPrice: d("100.123456"), costBasis: d("22500") }), "25030.864");
  });

  it("values an unpriced position at its cost basis, not at 0", () => {
    expectDec(positionValue({ quantity: 10, lastPrice: null, costBasis: d("901.25") }), "901.25");
  });

  it("takes a price of 0 as a price (worth 0), not as a missing one", () => {
    expectDec(positionValue({ quantity: 10, lastPrice: d("0"), costBasis: d("500") }), "0");
  });
});

describe("accountValuation", () => {
  it("adds cash, priced positions at last and unpriced ones at cost, and counts the unpriced", () => {
    // Cash 10,000.50; 100 x 12.34 = 1,234; unpriced at cost 555.55; 5 x 20.000001 = 100.000005.
    // Positions 1,234 + 555.55 + 100.000005 = 1,889.550005; equity 11,890.050005.
    const v = accountValuation(d("10000.50"), [
      { quantity: 100, lastPrice: d("12.34"), costBasis: d("1000") },
      { quantity: 7, lastPrice: null, costBasis: d("555.55") },
      { quantity: 5, lastPrice: d("20.000001"), costBasis: d("90") },
    ]);
    expectDec(v.positionsValue, "1889.550005");
    expectDec(v.equity, "11890.050005");
    expect(v.unpricedPositions).toBe(1);
  });

  it("is cash alone with no positions", () => {
    const v = accountValuation(d("42.42"), []);
    expectDec(v.equity, "42.42");
    expectDec(v.positionsValue, "0");
    expect(v.unpricedPositions).toBe(0);
  });

  it("keeps equity steady when a price goes missing at cost (the 0-rule would drop it by the whole position)", () => {
    // Bought 10 at 50 (cost 500) and still at 50: equity 1,000 + 500 = 1,500 priced or not.
    const priced = accountValuation(d("1000"), [{ quantity: 10, lastPrice: d("50"), costBasis: d("500") }]);
    const unpriced = accountValuation(d("1000"), [{ quantity: 10, lastPrice: null, costBasis: d("500") }]);
    expectDec(priced.equity, "1500");
    expectDec(unpriced.equity, "1500");
    expect([priced.unpricedPositions, unpriced.unpricedPositions]).toEqual([0, 1]);
  });

  it("can go negative with cash below zero: it reports, the triggers judge", () => {
    // -2,000 + 10 x 100 = -1,000.
    expectDec(accountValuation(d("-2000"), [{ quantity: 10, lastPrice: d("100"), costBasis: d("900") }]).equity, "-1000");
  });
});
