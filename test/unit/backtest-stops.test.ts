import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import { type BacktestBar, BacktestInputError } from "../../src/domain/backtest/bar.js";
import { type CostModel, FREE } from "../../src/domain/backtest/costs.js";
import { checkStop, describeStop, type StopCheck } from "../../src/domain/backtest/stops.js";

const d = (v: string | number) => new Dec(v);
const bar = (open: string, high: string, low: string, close: string, date = "2024-01-03"): BacktestBar => ({ date, open: d(open), high: d(high), low: d(low), close: d(close) });
const COSTS: CostModel = { slippageBps: 5, commissionPerOrder: d("1"), commissionPerShare: d("0.005"), commissionMinimum: d("1") };
const HELD = { quantity: 100, stop: d("95") };

function expectDec(actual: Dec, expected: string): void {
  expect(actual.toFixed(), `expected ${expected}, got ${actual.toFixed()}`).toBe(d(expected).toFixed());
}

function hit(check: StopCheck) {
  if (!check.hit) throw new Error(`expected the stop to be hit on ${check.date}`);
  return check;
}

describe("checkStop: a bar whose low reaches the stop fills at the stop", () => {
  it("fills the whole position at the stop less 5 bps, to the cent", () => {
    const out = hit(checkStop(HELD, bar("97", "98", "94", "96"), COSTS));
    expect(out.kind).toBe("intraday");
    expect(out.fill.side).toBe("SELL");
    expect(out.fill.quantity).toBe(100);
    expect(out.fill.reference).toBe("stop");
    expectDec(out.fill.price, "94.9525");
    expectDec(out.fill.gross, "9495.25");
    expectDec(out.fill.commission, "1.50");
    expectDec(out.fill.net, "9493.75");
    expect(describeStop(out)).toBe("2024-01-03: stop hit: filled at stop 95.00 (94.9525 after slippage)");
  });

  it("catches a stop the close never saw: low under the stop, close far above it", () => {
    expect(hit(checkStop(HELD, bar("99", "101", "94.5", "100"), COSTS)).kind).toBe("intraday");
  });

  it("a low exactly at the stop touches it; a cent above holds", () => {
    expect(hit(checkStop(HELD, bar("97", "98", "95", "96"), FREE)).kind).toBe("intraday");
    const held = checkStop(HELD, bar("97", "98", "95.01", "96"), FREE);
    expect(held).toEqual({ hit: false, date: "2024-01-03", stop: d("95") });
    expect(describeStop(held)).toBe("2024-01-03: stop 95.00 held");
  });

  it("an open exactly at the stop fills at the stop", () => {
    const out = hit(checkStop(HELD, bar("95", "96", "93", "94"), FREE));
    expect(out.kind).toBe("intraday");
    expectDec(out.fill.price, "95");
  });
});

describe("checkStop: a bar that gaps through the stop fills at the open", () => {
  it("fills at the open 81.20 less slippage, never at the stop 95", () => {
    const out = hit(checkStop(HELD, bar("81.20", "84", "80", "83"), COSTS));
    expect(out.kind).toBe("gap");
    expect(out.fill.reference).toBe("open");
    expectDec(out.fill.referencePrice, "81.20");
    expectDec(out.fill.price, "81.1594");
    expectDec(out.fill.gross, "8115.94");
    expectDec(out.fill.net, "8114.44");
    expect(describeStop(out)).toBe("2024-01-03: stop gapped: filled at open 81.20 (81.1594 after slippage) vs stop 95.00");
  });

  it("says it plainly when there is no slippage", () => {
    expect(describeStop(checkStop(HELD, bar("81.2", "84", "80", "83"), FREE))).toBe("2024-01-03: stop gapped: filled at open 81.20 vs stop 95.00");
  });

  it("a bar that gaps below and recovers above the stop still filled at the open", () => {
    const out = hit(checkStop(HELD, bar("90", "99", "89", "98"), FREE));
    expect(out.kind).toBe("gap");
    expectDec(out.fill.price, "90");
    expectDec(out.fill.net, "9000");
  });
});

describe("checkStop: bad input is a clear error", () => {
  const cases: [string, () => unknown, RegExp][] = [
    ["quantity 0", () => checkStop({ ...HELD, quantity: 0 }, bar("97", "98", "94", "96"), COSTS), /stopped quantity must be a positive whole number of shares, got 0/],
    ["a zero stop", () => checkStop({ ...HELD, stop: d(0) }, bar("97", "98", "94", "96"), COSTS), /stop must be a positive price, got 0/],
    ["low above high", () => checkStop(HELD, bar("97", "96", "98", "96"), COSTS), /2024-01-03 bar has low 98 above high 96/],
    ["a negative low", () => checkStop(HELD, bar("97", "98", "-94", "96"), COSTS), /2024-01-03 low must be a positive price, got -94/],
    ["close outside range", () => checkStop(HELD, bar("97", "98", "94", "99"), COSTS), /close 99 outside its range 94..98/],
  ];
  for (const [name, run, message] of cases) {
    it(`refuses ${name}`, () => {
      expect(run).toThrow(BacktestInputError);
      expect(run).toThrow(message);
    });
  }
});
