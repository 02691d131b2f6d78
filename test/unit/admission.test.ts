import { describe, expect, it } from "vitest";
import { admitOrder, UNKNOWN_STATE_REASON } from "../../src/domain/kill-switch/admission.js";

describe("admitOrder", () => {
  it("lets every order into an ACTIVE account", () => {
    expect(admitOrder({ state: "ACTIVE", reason: "armed" }, false)).toEqual({ admitted: true, state: "ACTIVE" });
    expect(admitOrder({ state: "ACTIVE", reason: "armed" }, true)).toEqual({ admitted: true, state: "ACTIVE" });
  });

  it("lets only a risk-reducing order into a HALTED account, which learns it entered under HALTED", () => {
    expect(admitOrder({ state: "HALTED", reason: "daily loss" }, false)).toEqual({ admitted: false, state: "HALTED", reason: "daily loss" });
    expect(admitOrder({ state: "HALTED", reason: "daily loss" }, true)).toEqual({ admitted: true, state: "HALTED" });
  });

  it("lets nobody in when the state cannot be read, not even a risk-reducing order", () => {
    expect(admitOrder(undefined, true)).toEqual({ admitted: false, state: "UNKNOWN", reason: UNKNOWN_STATE_REASON });
    expect(admitOrder(undefined, false)).toEqual({ admitted: false, state: "UNKNOWN", reason: UNKNOWN_STATE_REASON });
  });
});
