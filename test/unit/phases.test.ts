import { describe, expect, it } from "vitest";
import { isPhase, nextPhase, PHASE_ORDER, previousPhase } from "../../src/domain/phases.js";

describe("the phase ladder", () => {
  it("runs shadow -> live-prep -> micro -> small", () => {
    expect(PHASE_ORDER).toEqual(["shadow", "live-prep", "micro", "small"]);
    expect(nextPhase("shadow")).toBe("live-prep");
    expect(nextPhase("live-prep")).toBe("micro");
    expect(nextPhase("micro")).toBe("small");
    expect(nextPhase("small")).toBeUndefined();
  });

  it("steps down one rung at a time and stops at shadow", () => {
    expect(previousPhase("small")).toBe("micro");
    expect(previousPhase("micro")).toBe("live-prep");
    expect(previousPhase("live-prep")).toBe("shadow");
    expect(previousPhase("shadow")).toBeUndefined();
  });

  it("is a round trip on every rung, and knows its own names", () => {
    for (const phase of PHASE_ORDER) {
      const up = nextPhase(phase);
      if (up) expect(previousPhase(up)).toBe(phase);
    }
    expect(isPhase("micro")).toBe(true);
    expect(isPhase("live")).toBe(false);
    expect(nextPhase("bogus" as never)).toBeUndefined();
    expect(previousPhase("bogus" as never)).toBeUndefined();
  });
});
