import { describe, expect, it } from "vitest";
import { decideResume, haltingReadings, type KillSwitchFacts, remainingSuppressions, type ResumePolicy } from "../../src/domain/kill-switch/kill-switch.js";
import type { Reading } from "../../src/domain/kill-switch/triggers.js";
import { createMarketCalendar } from "../../src/domain/market-calendar.js";

const POLICY: ResumePolicy = { maxAttempts: 3, lockoutMinutes: 15 };
const NOW = new Date("2026-03-10T19:00:00Z");
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
  return decideResume({ facts: facts(), codeIsRight: true, readings: QUIET, acknowledged: false, policy: POLICY, now: NOW, ...overrides });
}

const minutesAfter = (at: Date, minutes: number): Date => new Date(at.getTime() + minutes * 60_000);

describe("decideResume", () => {
  it("refuses with not_halted when the account is ACTIVE, whatever the code", () => {
    expect(decide({ facts: facts({ state: "ACTIVE" }) })).toEqual({ outcome: "not_halted" });
    expect(decide({ facts: facts({ state: "ACTIVE" }), codeIsRight: false })).toEqual({ outcome: "not_halted" });
  });

  it("resumes with the right code when no trigger holds, suppressing nothing", () => {
    expect(decide()).toEqual({ outcome: "resume", suppress: [] });
  });

  it("counts the first wrong code as attempt 1 without locking", () => {
    expect(decide({ codeIsRight: false })).toEqual({ outcome: "wrong_code", attempts: 1, lockedUntil: null });
  });

  it("counts the second wrong code as attempt 2 without locking", () => {
    expect(decide({ codeIsRight: false, facts: facts({ failedResumeAttempts: 1 }) })).toEqual({ outcome: "wrong_code", attempts: 2, lockedUntil: null });
  });

  it("locks on the third wrong code for exactly 15 minutes from the injected now", () => {
    const d = decide({ codeIsRight: false, facts: facts({ failedResumeAttempts: 2 }) });
    expect(d).toEqual({ outcome: "wrong_code", attempts: 3, lockedUntil: new Date("2026-03-10T19:15:00Z") });
    if (d.outcome !== "wrong_code") throw new Error("expected wrong_code");
    expect(d.lockedUntil!.getTime() - NOW.getTime()).toBe(15 * 60_000);
  });

  it("uses the configured policy (maxAttempts 5, lockout 60 min)", () => {
    const policy = { maxAttempts: 5, lockoutMinutes: 60 };
    expect(decide({ policy, codeIsRight: false, facts: facts({ failedResumeAttempts: 3 }) })).toEqual({ outcome: "wrong_code", attempts: 4, lockedUntil: null });
    expect(decide({ policy, codeIsRight: false, facts: facts({ failedResumeAttempts: 4 }) })).toEqual({
      outcome: "wrong_code",
      attempts: 5,
      lockedUntil: minutesAfter(NOW, 60),
    });
  });

  it("refuses with locked while the lockout runs, even with the right code and nothing firing", () => {
    const until = minutesAfter(NOW, 1);
    const locked = facts({ failedResumeAttempts: 3, resumeLockedUntil: until });
    expect(decide({ facts: locked, codeIsRight: true })).toEqual({ outcome: "locked", until });
    expect(decide({ facts: locked, codeIsRight: false })).toEqual({ outcome: "locked", until });
  });

  it("is still locked 1 ms before the lockout ends and unlocked exactly at its end", () => {
    const until = minutesAfter(NOW, 15);
    const locked = facts({ failedResumeAttempts: 3, resumeLockedUntil: until });
    expect(decide({ facts: locked, now: new Date(until.getTime() - 1) })).toEqual({ outcome: "locked", until });
    expect(decide({ facts: locked, now: until })).toEqual({ outcome: "resume", suppress: [] });
  });

  it("starts a fresh count after the lockout ran out: the next wrong code is attempt 1", () => {
    const expired = facts({ failedResumeAttempts: 3, resumeLockedUntil: minutesAfter(NOW, -1) });
    expect(decide({ facts: expired, codeIsRight: false })).toEqual({ outcome: "wrong_code", attempts: 1, lockedUntil: null });
  });

  it("asks for acknowledgement when the code is right but a trigger still holds, listing only the firing ones", () => {
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

  it("does not ask for acknowledgement when the code is wrong: the code is checked first", () => {
    const d = decide({ codeIsRight: false, readings: [reading("daily_loss", true)], acknowledged: true });
    expect(d).toEqual({ outcome: "wrong_code", attempts: 1, lockedUntil: null });
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
