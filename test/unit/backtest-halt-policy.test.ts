import { describe, expect, it } from "vitest";
import { BacktestInputError } from "../../src/domain/backtest/bar.js";
import { createHaltSwitch, describeHaltPolicy, type FiredTrigger, parseHaltPolicy, runHaltPolicy } from "../../src/domain/backtest/halt-policy.js";

/** Five NYSE trading days spanning a weekend: 2024-01-05 is a Friday, 2024-01-08 a Monday. */
const DAYS = ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08"];
const LOSS: FiredTrigger = { date: "2024-01-03", trigger: "daily_loss", reason: "-3.2000% vs limit -3%" };

describe("halt policy 'stay'", () => {
  it("halts once and stays halted: only the days up to and including the halt day count", () => {
    const run = runHaltPolicy("stay", DAYS, [LOSS, { date: "2024-01-05", trigger: "max_drawdown", reason: "-11% vs limit -10%" }]);
    expect(run.events).toEqual([{ date: "2024-01-03", kind: "halt", trigger: "daily_loss", reason: "-3.2000% vs limit -3%" }]);
    expect(run.sessions).toBe(5);
    expect(run.allowedDays).toBe(2);
    expect(run.haltedAtEnd).toBe(true);
  });

  it("reports each open as not allowed once halted", () => {
    const sw = createHaltSwitch("stay");
    expect(sw.openSession("2024-01-02")).toEqual({ allowed: true, resumed: null });
    expect(sw.halt("2024-01-02", "manual", "operator pressed halt")).toBe("halted");
    expect(sw.halt("2024-01-02", "daily_loss", "-4% vs limit -3%")).toBe("already-halted");
    expect(sw.openSession("2024-01-03")).toEqual({ allowed: false, resumed: null });
    expect(sw.events()).toHaveLength(1);
  });
});

describe("halt policy 'resume-next-session'", () => {
  it("resumes at the next trading day's open, listing the halt and the resume", () => {
    const run = runHaltPolicy("resume-next-session", DAYS, [LOSS]);
    expect(run.events).toEqual([
      { date: "2024-01-03", kind: "halt", trigger: "daily_loss", reason: "-3.2000% vs limit -3%" },
      { date: "2024-01-04", kind: "resume", trigger: "daily_loss", reason: "resumed at the 2024-01-04 open after acknowledging daily_loss (halted 2024-01-03)" },
    ]);
    expect(run.allowedDays).toBe(5);
    expect(run.haltedAtEnd).toBe(false);
  });

  it("keeps the acknowledged trigger quiet on the resume day only; another trigger halts at once", () => {
    const run = runHaltPolicy("resume-next-session", DAYS, [
      LOSS,
      { date: "2024-01-04", trigger: "daily_loss", reason: "-3.5% vs limit -3%" },
      { date: "2024-01-04", trigger: "max_drawdown", reason: "-10.4% vs limit -10%" },
      { date: "2024-01-05", trigger: "daily_loss", reason: "-3.1% vs limit -3%" },
    ]);
    expect(run.events.map((e) => `${e.date} ${e.kind} ${e.trigger ?? "-"}`)).toEqual([
      "2024-01-03 halt daily_loss",
      "2024-01-04 resume daily_loss",
      "2024-01-04 halt max_drawdown",
      "2024-01-05 resume max_drawdown",
      "2024-01-05 halt daily_loss",
      "2024-01-08 resume daily_loss",
    ]);
    expect(run.allowedDays).toBe(5);
  });

  it("the acknowledged trigger is armed again the day after the resume", () => {
    const sw = createHaltSwitch("resume-next-session");
    sw.openSession("2024-01-02");
    sw.halt("2024-01-02", "stale_data", "no price for 3 days");
    expect(sw.openSession("2024-01-03").resumed?.kind).toBe("resume");
    expect(sw.halt("2024-01-03", "stale_data", "no price for 4 days")).toBe("suppressed");
    expect(sw.openSession("2024-01-04").allowed).toBe(true);
    expect(sw.halt("2024-01-04", "stale_data", "no price for 5 days")).toBe("halted");
  });

  it("a halt on the last day is never resumed", () => {
    const run = runHaltPolicy("resume-next-session", DAYS, [{ date: "2024-01-08", trigger: null, reason: "halted by the strategy" }]);
    expect(run.events).toEqual([{ date: "2024-01-08", kind: "halt", trigger: null, reason: "halted by the strategy" }]);
    expect(run.haltedAtEnd).toBe(true);
    expect(run.allowedDays).toBe(5);
  });
});

describe("the gate counts trading days, not calendar days", () => {
  it("five trading days from 2024-01-02 to 2024-01-08 count five, not seven", () => {
    expect(runHaltPolicy("stay", DAYS, []).allowedDays).toBe(5);
  });

  it("halted days do not count under 'stay'; the same run resumed counts every day", () => {
    // 250 weekdays from 2024-01-02: about a calendar year, 250 trading days.
    const year = Array.from({ length: 360 }, (_, i) => new Date(Date.UTC(2024, 0, 2 + i)))
      .filter((day) => day.getUTCDay() !== 0 && day.getUTCDay() !== 6)
      .slice(0, 250)
      .map((day) => day.toISOString().slice(0, 10));
    expect(year).toHaveLength(250);
    const fired: FiredTrigger[] = [{ date: year[9]!, trigger: "max_drawdown", reason: "-10.5% vs limit -10%" }];
    expect(runHaltPolicy("stay", year, fired).allowedDays).toBe(10);
    expect(runHaltPolicy("resume-next-session", year, fired).allowedDays).toBe(250);
  });
});

describe("halt policy: bad input is a clear error", () => {
  const cases: [string, () => unknown, RegExp][] = [
    ["an unknown policy name", () => parseHaltPolicy("resume"), /halt policy must be one of stay, resume-next-session, got "resume"/],
    ["days out of order", () => runHaltPolicy("stay", ["2024-01-03", "2024-01-02"], []), /trading days must increase: 2024-01-02 opened after 2024-01-03/],
    ["a repeated day", () => runHaltPolicy("stay", ["2024-01-02", "2024-01-02"], []), /trading days must increase/],
    ["a trigger on a non-trading day", () => runHaltPolicy("stay", DAYS, [{ ...LOSS, date: "2024-01-06" }]), /2024-01-06, which is not one of the run's trading days/],
    ["a halt before any session", () => createHaltSwitch("stay").halt("2024-01-02", "manual", "x"), /must come during that day's session \(open: none\)/],
    ["a halt without a reason", () => runHaltPolicy("stay", DAYS, [{ ...LOSS, reason: " " }]), /a halt on 2024-01-03 needs a reason/],
    ["a malformed date", () => runHaltPolicy("stay", ["2024-1-2"], []), /session date must be a date written YYYY-MM-DD/],
  ];
  for (const [name, run, message] of cases) {
    it(`refuses ${name}`, () => {
      expect(run).toThrow(BacktestInputError);
      expect(run).toThrow(message);
    });
  }

  it("names both policies for the report header", () => {
    expect(parseHaltPolicy("stay")).toBe("stay");
    expect(describeHaltPolicy("stay")).toBe("halts: stay halted until the end of the run");
    expect(describeHaltPolicy("resume-next-session")).toBe("halts: resume at the next trading day's open after acknowledging the trigger");
  });
});
