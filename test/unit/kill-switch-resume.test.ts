import { describe, expect, it } from "vitest";
import { decideResume, haltingReadings, type KillSwitchFacts, remainingSuppressions } from "../../src/domain/kill-switch/kill-switch.js";
import type { Reading } from "../../src/domain/kill-switch/triggers.js";
import { createMarketCalendar } from "../../src/domain/market-calendar.js";

const calendar = createMarketCalendar();

function facts(overrides: Partial<KillSwitchFacts> = {}): KillSwitchFacts {
  return { state: "HALTED", failedResumeAttempts: 0, resumeLockedUntil: null, suppressedTriggers: {}, ...overrides };
}

function reading(trigger: Reading["trigger"], fired: boolean): Reading {
  return { trigger, unit: "%", value: fired ? "-6.0000" : "-1.0000", threshold: "-5", headroom: fired ? "-1.0000" : "4.0000", fired };
}

const QUIET: Reading[] = [reading("daily_loss", false), reading("max_drawdown", false), reading("api_error", false)];

type ResumeInput = Parameters<typeof decideResume>[0];

function decide(overrides: Partial<ResumeInput> = {}) {
  return decideResume({ facts: facts(), readings: QUIET, acknowledged: false, ...overrides });
}

// The override code, its desk-wide attempt counter and the lockout are decided before this, in
// PostgreSQL (test/integration/override-code-guard.test.ts).
describe("decideResume (after a right override code)", () => {
  it("refuses with not_halted when the account is ACTIVE", () => {
    expect(decide({ facts: facts({ state: "ACTIVE" }) })).toEqual({ outcome: "not_halted" });
  });

  it("resumes when no trigger holds, suppressing nothing", () => {
    expect(decide()).toEqual({ outcome: "resume", suppress: [] });
  });

  it("asks for acknowledgement when a trigger still holds, listing only the firing ones", () => {
    const readings = [reading("daily_loss", true), reading("max_drawdown", false), reading("api_error", true)];
    expect(decide({ readings, acknowledged: false })).toEqual({
      outcome: "needs_acknowledgement",
      stillFiring: [reading("daily_loss", true), reading("api_error", true)],
    });
  });

  it("resumes once acknowledged, naming the still-firing triggers to suppress", () => {
    const readings = [reading("daily_loss", true), reading("max_drawdown", false)];
    expect(decide({ readings, acknowledged: true })).toEqual({ outcome: "resume", suppress: [reading("daily_loss", true)] });
  });
});

describe("haltingReadings", () => {
  const readings = [reading("daily_loss", true), reading("max_drawdown", false), reading("api_error", true)];

  it("returns every fired reading when nothing is suppressed", () => {
    expect(haltingReadings(readings, {}, "2026-03-10").map((r) => r.trigger)).toEqual(["daily_loss", "api_error"]);
  });

  it("ignores a trigger suppressed for the same trading day", () => {
    expect(haltingReadings(readings, { daily_loss: "2026-03-10" }, "2026-03-10").map((r) => r.trigger)).toEqual(["api_error"]);
  });

  it("does not ignore a trigger suppressed for another trading day", () => {
    expect(haltingReadings(readings, { daily_loss: "2026-03-09" }, "2026-03-10").map((r) => r.trigger)).toEqual(["daily_loss", "api_error"]);
  });

  it("never returns a reading that did not fire, suppressed or not", () => {
    expect(haltingReadings([reading("max_drawdown", false)], { max_drawdown: "2026-03-10" }, "2026-03-10")).toEqual([]);
  });
});

describe("remainingSuppressions", () => {
  it("keeps a suppression while the trigger still holds on the same trading day", () => {
    expect(remainingSuppressions([reading("daily_loss", true)], { daily_loss: "2026-03-10" }, "2026-03-10")).toEqual({ daily_loss: "2026-03-10" });
  });

  it("drops a suppression once the trigger clears, so it is armed again", () => {
    expect(remainingSuppressions([reading("daily_loss", false)], { daily_loss: "2026-03-10" }, "2026-03-10")).toEqual({});
  });

  it("drops a suppression when the trading day changes, even if the trigger still holds", () => {
    expect(remainingSuppressions([reading("daily_loss", true)], { daily_loss: "2026-03-10" }, "2026-03-11")).toEqual({});
  });

  it("drops a suppression whose trigger has no reading at all (e.g. manual)", () => {
    expect(remainingSuppressions([reading("daily_loss", true)], { manual: "2026-03-10", daily_loss: "2026-03-10" }, "2026-03-10")).toEqual({
      daily_loss: "2026-03-10",
    });
  });

  it("handles each suppression independently", () => {
    const readings = [reading("daily_loss", true), reading("api_error", false), reading("max_drawdown", true)];
    const suppressed = { daily_loss: "2026-03-10", api_error: "2026-03-10", max_drawdown: "2026-03-09" };
    expect(remainingSuppressions(readings, suppressed, "2026-03-10")).toEqual({ daily_loss: "2026-03-10" });
  });
});

describe("suppression and the New York trading-day boundary (via the market calendar)", () => {
  const fridayLoss = [reading("daily_loss", true)];
  const suppressed = { daily_loss: "2026-03-06" }; // acknowledged on Friday 2026-03-06

  it("still applies at 2026-03-07T04:59Z, which is Friday 23:59 EST in New York", () => {
    const day = calendar.tradingDayOf(new Date("2026-03-07T04:59:00Z"));
    expect(day).toBe("2026-03-06");
    expect(haltingReadings(fridayLoss, suppressed, day)).toEqual([]);
    expect(remainingSuppressions(fridayLoss, suppressed, day)).toEqual(suppressed);
  });

  it("no longer applies at 2026-03-07T05:00Z: Saturday 00:00 EST counts toward Monday", () => {
    const day = calendar.tradingDayOf(new Date("2026-03-07T05:00:00Z"));
    expect(day).toBe("2026-03-09");
    expect(haltingReadings(fridayLoss, suppressed, day)).toEqual(fridayLoss);
  });

  it("no longer applies at 2026-03-09T13:31Z, Monday 09:31 EDT after the spring-forward weekend", () => {
    const now = new Date("2026-03-09T13:31:00Z");
    const day = calendar.tradingDayOf(now);
    expect(day).toBe("2026-03-09");
    expect(calendar.isMarketOpen(now)).toBe(true); // 09:31 EDT (UTC-4), not 08:31 EST
    expect(haltingReadings(fridayLoss, suppressed, day)).toEqual(fridayLoss);
    expect(remainingSuppressions(fridayLoss, suppressed, day)).toEqual({});
  });

  it("a suppression recorded for Monday already applies on the weekend before it (Sunday 23:59 EDT, after the DST change)", () => {
    const mondaySuppression = { daily_loss: "2026-03-09" };
    const sundayNight = calendar.tradingDayOf(new Date("2026-03-09T03:59:00Z")); // Sunday 23:59 EDT
    expect(sundayNight).toBe("2026-03-09");
    expect(haltingReadings(fridayLoss, mondaySuppression, sundayNight)).toEqual([]);
  });
});
