import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import { lastCross, positionSize, sma, smaCross, SMA_CROSS_DEFAULTS, validateSmaCrossParams, type SmaCrossParams } from "../../src/domain/strategies/sma-cross.js";

const closes = (...values: (string | number)[]) => values.map((v) => new Dec(v));
const params: SmaCrossParams = { fast: 2, slow: 4, sizePct: 20 };
const EQUITY = new Dec("100000");

// Falling then a jump: SMA2 rises above SMA4 on the last bar only.
const CROSS_UP = closes(10, 9, 8, 7, 6, 12);
// Rising then a drop: SMA2 falls below SMA4 on the last bar only.
const CROSS_DOWN = closes(6, 7, 8, 9, 10, 4);

describe("sma", () => {
  it("is the exact mean of the window ending before `end`", () => {
    expect(sma(closes("0.1", "0.2", "0.3"), 3).equals(new Dec("0.2"))).toBe(true);
    expect(sma(closes(1, 2, 3, 4), 2, 3).equals(new Dec("2.5"))).toBe(true);
    // Exact to 40 digits: 1/3 is not rounded to a float.
    expect(sma(closes(1, 0, 0), 3).toString()).toBe(new Dec(1).div(3).toString());
  });

  it("refuses a window it does not have", () => {
    expect(() => sma(closes(1, 2), 3)).toThrow(RangeError);
    expect(() => sma(closes(1, 2), 0)).toThrow(RangeError);
  });
});

describe("lastCross", () => {
  it("sees a cross only on the bar where it happens", () => {
    expect(lastCross(CROSS_UP, 2, 4)).toBe("up");
    expect(lastCross(CROSS_UP.slice(0, 5), 2, 4)).toBeNull();
    expect(lastCross(CROSS_DOWN, 2, 4)).toBe("down");
    expect(lastCross(closes(1, 2, 3, 4, 5, 6), 2, 4)).toBeNull(); // above all along: no cross
  });

  it("needs slow + 1 closes", () => {
    expect(lastCross(CROSS_UP.slice(1), 2, 5)).toBeNull();
  });

  it("counts a touch (fast = slow) followed by a break as a cross", () => {
    // SMA2 = SMA4 = 5 on the bar before, then SMA2 above.
    expect(lastCross(closes(5, 5, 5, 5, 9), 2, 4)).toBe("up");
  });
});

describe("smaCross", () => {
  it("buys 20% of equity in whole shares when flat on a cross up", () => {
    const signal = smaCross({ closes: CROSS_UP, heldQuantity: 0, equity: EQUITY, params });
    expect(signal).toEqual({ action: "BUY", quantity: 1666, reason: "SMA2/SMA4 crossed up" }); // 20000 / 12 = 1666.67
  });

  it("does not add to a long on a cross up", () => {
    expect(smaCross({ closes: CROSS_UP, heldQuantity: 5, equity: EQUITY, params }).action).toBe("HOLD");
  });

  it("sells the whole position when long on a cross down, and does nothing when flat", () => {
    expect(smaCross({ closes: CROSS_DOWN, heldQuantity: 37, equity: EQUITY, params })).toEqual({ action: "SELL", quantity: 37, reason: "SMA2/SMA4 crossed down" });
    expect(smaCross({ closes: CROSS_DOWN, heldQuantity: 0, equity: EQUITY, params }).action).toBe("HOLD");
  });

  it("holds while warming up and without a cross", () => {
    expect(smaCross({ closes: CROSS_UP.slice(0, 4), heldQuantity: 0, equity: EQUITY, params })).toEqual({ action: "HOLD", reason: "warming up (4/5 closes)" });
    expect(smaCross({ closes: closes(1, 2, 3, 4, 5, 6), heldQuantity: 0, equity: EQUITY, params }).action).toBe("HOLD");
  });

  it("holds when the size buys no whole share", () => {
    expect(smaCross({ closes: CROSS_UP, heldQuantity: 0, equity: new Dec("50"), params }).action).toBe("HOLD");
  });

  it("throws on unusable parameters", () => {
    expect(() => smaCross({ closes: CROSS_UP, heldQuantity: 0, equity: EQUITY, params: { fast: 4, slow: 2, sizePct: 20 } })).toThrow(/longer than fast/);
  });
});

describe("positionSize", () => {
  it("rounds down to whole shares and stays under the 30% concentration limit", () => {
    expect(positionSize(new Dec("100000"), new Dec("33.01"), 20)).toBe(605); // 20000 / 33.01 = 605.88
    for (const price of ["0.37", "8.1234", "19.99", "33.009998", "512.5"]) {
      const qty = positionSize(EQUITY, new Dec(price), SMA_CROSS_DEFAULTS.sizePct);
      const share = new Dec(price).times(qty).div(EQUITY);
      expect(share.lte("0.2"), price).toBe(true);
      expect(new Dec(price).times(qty + 1).div(EQUITY).gt("0.2"), price).toBe(true);
    }
  });

  it("is 0 without positive equity or price", () => {
    expect(positionSize(new Dec(0), new Dec(10), 20)).toBe(0);
    expect(positionSize(new Dec(-5), new Dec(10), 20)).toBe(0);
    expect(positionSize(EQUITY, new Dec(0), 20)).toBe(0);
  });
});

describe("validateSmaCrossParams", () => {
  it("accepts the defaults and names every problem", () => {
    expect(validateSmaCrossParams(SMA_CROSS_DEFAULTS)).toEqual([]);
    expect(validateSmaCrossParams({ fast: 0, slow: 2.5, sizePct: 0 })).toEqual([
      "fast must be a whole number of bars >= 1, got 0",
      "slow must be a whole number of bars >= 1, got 2.5",
      "size must be a percentage of equity above 0 and below 100, got 0",
    ]);
    expect(validateSmaCrossParams({ fast: 30, slow: 30, sizePct: 20 })).toEqual(["slow (30) must be longer than fast (30)"]);
  });
});
