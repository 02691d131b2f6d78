import { describe, expect, it } from "vitest";
import { Dec } from "../../src/domain/decimal.js";
import { stopStatus } from "../../src/domain/stop-status.js";

const d = (v: string) => new Dec(v);
const NEAR = d("2");

describe("stopStatus", () => {
  it("is Safe far from the stop, with the exact distance as a percentage of the last price", () => {
    const s = stopStatus(d("110"), d("95"), NEAR);
    expect(s.status).toBe("Safe");
    // 15 / 110 * 100 = 13.6363..., kept exact (no float) and rounded only for display.
    expect(s.distancePct?.equals(d("15").div(110).times(100))).toBe(true);
    expect(s.distancePct?.toFixed(4)).toBe("13.6364");
  });

  it("is Near at or inside the near band, and Safe just outside it", () => {
    // 100 with a stop at 98: exactly 2% away, which is on the line and counts as Near.
    expect(stopStatus(d("100"), d("98"), NEAR)).toEqual({ status: "Near", distancePct: d("2") });
    expect(stopStatus(d("100"), d("99.5"), NEAR).status).toBe("Near");
    expect(stopStatus(d("100"), d("97.999999"), NEAR).status).toBe("Safe");
  });

  it("is Hit at the stop and under it, with a zero or negative distance", () => {
    const at = stopStatus(d("95"), d("95"), NEAR);
    expect(at.status).toBe("Hit");
    expect(at.distancePct?.isZero()).toBe(true);
    const under = stopStatus(d("90"), d("95"), NEAR);
    expect(under.status).toBe("Hit");
    expect(under.distancePct?.toFixed(4)).toBe("-5.5556");
  });

  it("is None without a stop, whatever the price", () => {
    expect(stopStatus(d("110"), null, NEAR)).toEqual({ status: "None", distancePct: null });
    expect(stopStatus(d("0"), null, NEAR)).toEqual({ status: "None", distancePct: null });
  });

  it("never divides by a price that is not positive: Hit, no distance", () => {
    expect(stopStatus(d("0"), d("95"), NEAR)).toEqual({ status: "Hit", distancePct: null });
  });

  it("with a zero near band, only Hit or Safe", () => {
    expect(stopStatus(d("95.000001"), d("95"), d("0")).status).toBe("Safe");
    expect(stopStatus(d("95"), d("95"), d("0")).status).toBe("Hit");
  });
});
