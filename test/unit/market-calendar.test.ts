import { describe, expect, it } from "vitest";
import { createMarketCalendar, tradingDaysBetween } from "../../src/domain/market-calendar.js";

const cal = createMarketCalendar();
const utc = (iso: string): Date => new Date(iso);

describe("trading days", () => {
  it("treats weekends as closed", () => {
    expect(cal.isTradingDay("2026-03-07")).toBe(false); // Saturday
    expect(cal.isTradingDay("2026-03-08")).toBe(false); // Sunday
    expect(cal.isTradingDay("2026-03-06")).toBe(true); // Friday
    expect(cal.isTradingDay("2026-03-09")).toBe(true); // Monday
    expect(cal.session("2026-03-07")).toBeUndefined();
  });

  it.each([
    "2026-01-01", "2026-01-19", "2026-02-16", "2026-04-03", "2026-05-25",
    "2026-06-19", "2026-07-03", "2026-09-07", "2026-11-26", "2026-12-25",
  ])("closes on the 2026 holiday %s", (day) => {
    expect(cal.isTradingDay(day)).toBe(false);
    expect(cal.session(day)).toBeUndefined();
  });

  it("closes on Good Friday 2026-04-03 all day", () => {
    expect(cal.isTradingDay("2026-04-03")).toBe(false);
    expect(cal.isMarketOpen(utc("2026-04-03T15:00:00Z"))).toBe(false);
    expect(cal.nextTradingDay("2026-04-02")).toBe("2026-04-06");
  });

  it("has the published 2025 and 2027 specials", () => {
    expect(cal.isTradingDay("2025-01-09")).toBe(false); // National Day of Mourning
    expect(cal.isTradingDay("2027-06-18")).toBe(false); // Juneteenth observed
    expect(cal.isTradingDay("2027-07-05")).toBe(false); // Independence Day observed
    expect(cal.isTradingDay("2027-12-24")).toBe(false); // Christmas observed
    expect(cal.isTradingDay("2026-07-02")).toBe(true);
  });

  it.each([
    ["2025-07-03", "2025-07-03T17:00:00.000Z"], // EDT
    ["2025-11-28", "2025-11-28T18:00:00.000Z"],
    ["2025-12-24", "2025-12-24T18:00:00.000Z"],
    ["2026-11-27", "2026-11-27T18:00:00.000Z"],
    ["2026-12-24", "2026-12-24T18:00:00.000Z"],
    ["2027-11-26", "2027-11-26T18:00:00.000Z"],
  ])("closes at 13:00 New York on the early close %s", (day, close) => {
    expect(cal.session(day)!.close.toISOString()).toBe(close);
  });

  it("steps over weekends and holidays in both directions", () => {
    expect(cal.nextTradingDay("2026-11-25")).toBe("2026-11-27"); // over Thanksgiving
    expect(cal.nextTradingDay("2026-03-06")).toBe("2026-03-09"); // over a weekend
    expect(cal.nextTradingDay("2026-03-07")).toBe("2026-03-09"); // from a non-trading day
    expect(cal.previousTradingDay("2026-01-02")).toBe("2025-12-31"); // over New Year's Day
    expect(cal.previousTradingDay("2025-01-10")).toBe("2025-01-08"); // over the Carter closure
    expect(cal.previousTradingDay("2026-01-20")).toBe("2026-01-16"); // over MLK day + weekend
  });

  it("rejects malformed dates", () => {
    expect(() => cal.isTradingDay("2026-02-30")).toThrow(RangeError);
    expect(() => cal.session("26-03-09")).toThrow(RangeError);
    expect(() => cal.nextTradingDay("tomorrow")).toThrow(/tomorrow/);
  });
});

describe("tradingDaysBetween: the promotion gate's days of record", () => {
  it("counts trading days, not calendar days: 90 calendar days from Friday 2 January 2026 are 62 sessions", () => {
    // Weekends, Martin Luther King Day (19 Jan) and Presidents' Day (16 Feb) are not days of record.
    expect(tradingDaysBetween(cal, "2026-01-02", "2026-04-01")).toBe(62);
  });

  it("counts both ends, 1 on a single trading day, and skips closed ends", () => {
    expect(tradingDaysBetween(cal, "2026-03-06", "2026-03-06")).toBe(1);
    expect(tradingDaysBetween(cal, "2026-03-06", "2026-03-09")).toBe(2); // Friday to Monday
    expect(tradingDaysBetween(cal, "2026-03-07", "2026-03-08")).toBe(0); // a weekend alone
    expect(tradingDaysBetween(cal, "2026-01-01", "2026-01-05")).toBe(2); // holiday start: 2nd and 5th
  });

  it("is 0 when the last day is before the first", () => {
    expect(tradingDaysBetween(cal, "2026-03-10", "2026-03-09")).toBe(0);
  });
});

describe("sessions", () => {
  it("closes at 13:00 New York (18:00Z) on the 2026-11-27 early close", () => {
    const s = cal.session("2026-11-27")!;
    expect(s.open.toISOString()).toBe("2026-11-27T14:30:00.000Z");
    expect(s.close.toISOString()).toBe("2026-11-27T18:00:00.000Z");
    expect(cal.isMarketOpen(utc("2026-11-27T17:59:59Z"))).toBe(true);
    expect(cal.isMarketOpen(utc("2026-11-27T18:00:00Z"))).toBe(false);
  });

  it("opens at 14:30Z before and 13:30Z after the 2026-03-08 spring-forward weekend", () => {
    expect(cal.session("2026-03-06")!.open.toISOString()).toBe("2026-03-06T14:30:00.000Z");
    expect(cal.session("2026-03-06")!.close.toISOString()).toBe("2026-03-06T21:00:00.000Z");
    expect(cal.session("2026-03-09")!.open.toISOString()).toBe("2026-03-09T13:30:00.000Z");
    expect(cal.session("2026-03-09")!.close.toISOString()).toBe("2026-03-09T20:00:00.000Z");
  });

  it("opens at 13:30Z before and 14:30Z after the 2026-11-01 fall-back weekend", () => {
    expect(cal.session("2026-10-30")!.open.toISOString()).toBe("2026-10-30T13:30:00.000Z");
    expect(cal.session("2026-11-02")!.open.toISOString()).toBe("2026-11-02T14:30:00.000Z");
    expect(cal.session("2026-11-02")!.close.toISOString()).toBe("2026-11-02T21:00:00.000Z");
  });

  it.each([
    ["EDT", "2026-06-15", "13:29:59", "13:30:00", "19:59:59", "20:00:00"],
    ["EST", "2026-01-05", "14:29:59", "14:30:00", "20:59:59", "21:00:00"],
  ])("isMarketOpen at 09:29:59 / 09:30 / 15:59:59 / 16:00 New York (%s)", (_zone, day, before, open, last, close) => {
    expect(cal.isMarketOpen(utc(`${day}T${before}Z`))).toBe(false);
    expect(cal.isMarketOpen(utc(`${day}T${open}Z`))).toBe(true);
    expect(cal.isMarketOpen(utc(`${day}T${last}Z`))).toBe(true);
    expect(cal.isMarketOpen(utc(`${day}T${close}Z`))).toBe(false);
  });

  it("is closed at session hours on a weekend", () => {
    expect(cal.isMarketOpen(utc("2026-03-07T15:00:00Z"))).toBe(false);
  });
});

describe("tradingDayOf", () => {
  it("uses the New York date around midnight in EDT", () => {
    // 2026-03-09T03:59Z is Sunday 2026-03-08 23:59 EDT -> counts toward Monday.
    expect(cal.tradingDayOf(utc("2026-03-09T03:59:00Z"))).toBe("2026-03-09");
    // 2026-03-10T03:59Z is Monday 2026-03-09 23:59 EDT -> still Monday.
    expect(cal.tradingDayOf(utc("2026-03-10T03:59:00Z"))).toBe("2026-03-09");
    expect(cal.tradingDayOf(utc("2026-03-10T04:00:00Z"))).toBe("2026-03-10");
  });

  it("uses the New York date around midnight in EST", () => {
    expect(cal.tradingDayOf(utc("2026-01-06T04:59:00Z"))).toBe("2026-01-05");
    expect(cal.tradingDayOf(utc("2026-01-06T05:00:00Z"))).toBe("2026-01-06");
    // Across the fall-back weekend: Saturday 23:59 EDT and Sunday 23:59 EST both count toward Monday.
    expect(cal.tradingDayOf(utc("2026-11-01T03:59:00Z"))).toBe("2026-11-02");
    expect(cal.tradingDayOf(utc("2026-11-02T04:59:00Z"))).toBe("2026-11-02");
    expect(cal.tradingDayOf(utc("2026-11-02T05:00:00Z"))).toBe("2026-11-02");
  });

  it("counts weekends toward Monday and holidays toward the next trading day", () => {
    expect(cal.tradingDayOf(utc("2026-03-07T12:00:00Z"))).toBe("2026-03-09");
    expect(cal.tradingDayOf(utc("2026-04-03T15:00:00Z"))).toBe("2026-04-06"); // Good Friday
    expect(cal.tradingDayOf(utc("2026-12-25T15:00:00Z"))).toBe("2026-12-28");
    // After the close on a trading day still counts toward that day.
    expect(cal.tradingDayOf(utc("2026-03-06T23:00:00Z"))).toBe("2026-03-06");
  });
});

describe("nextOpen", () => {
  it("is today's open before the session and the next session's open during or after it", () => {
    expect(cal.nextOpen(utc("2026-03-09T12:00:00Z")).toISOString()).toBe("2026-03-09T13:30:00.000Z");
    expect(cal.nextOpen(utc("2026-03-09T13:30:00Z")).toISOString()).toBe("2026-03-10T13:30:00.000Z");
    expect(cal.nextOpen(utc("2026-03-09T15:00:00Z")).toISOString()).toBe("2026-03-10T13:30:00.000Z");
  });

  it("skips weekends, holidays and the DST change", () => {
    // Friday after the close (EST) -> Monday's open (EDT).
    expect(cal.nextOpen(utc("2026-03-06T22:00:00Z")).toISOString()).toBe("2026-03-09T13:30:00.000Z");
    // Thursday before Good Friday -> Monday.
    expect(cal.nextOpen(utc("2026-04-02T21:00:00Z")).toISOString()).toBe("2026-04-06T13:30:00.000Z");
  });

  it("rejects an invalid instant", () => {
    expect(() => cal.nextOpen(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe("configuration", () => {
  it("adds extra holidays and early closes", () => {
    const custom = createMarketCalendar({ extraHolidays: ["2026-03-10"], extraEarlyCloses: ["2026-03-11"] });
    expect(custom.isTradingDay("2026-03-10")).toBe(false);
    expect(custom.nextTradingDay("2026-03-09")).toBe("2026-03-11");
    expect(custom.session("2026-03-11")!.close.toISOString()).toBe("2026-03-11T17:00:00.000Z");
    expect(cal.isTradingDay("2026-03-10")).toBe(true); // the default calendar is untouched
  });

  it("throws a RangeError naming an invalid extra date", () => {
    expect(() => createMarketCalendar({ extraHolidays: ["2026-13-01"] })).toThrow(RangeError);
    expect(() => createMarketCalendar({ extraHolidays: ["2026-13-01"] })).toThrow(/2026-13-01/);
    expect(() => createMarketCalendar({ extraEarlyCloses: ["11/27/2026"] })).toThrow(/11\/27\/2026/);
    expect(() => createMarketCalendar({ timeZone: "Mars/Olympus" })).toThrow(RangeError);
  });

  it("vouches for the years its rules hold, and outside them treats only weekends and configured closures as closed", () => {
    expect(cal.coversYear(2010)).toBe(true);
    expect(cal.coversYear(2035)).toBe(true);
    expect(cal.coversYear(2099)).toBe(true);
    expect(cal.coversYear(2009)).toBe(false);
    expect(cal.coversYear(2100)).toBe(false);
    expect(cal.isTradingDay("2035-12-25")).toBe(false); // derived, not listed
    expect(cal.isTradingDay("2100-12-24")).toBe(true); // a Friday the rules do not vouch for
    const extended = createMarketCalendar({ extraHolidays: ["2100-01-18"] });
    expect(extended.coversYear(2100)).toBe(false);
    expect(extended.isTradingDay("2100-01-18")).toBe(false);
  });
});
