import { describe, expect, it } from "vitest";
import { createMarketCalendar } from "../../src/domain/market-calendar.js";
import { easterSunday, NYSE_ONE_OFF_CLOSURES, nyseEarlyCloses, nyseHolidays } from "../../src/domain/nyse-rules.js";

/**
 * The NYSE's calendars as the exchange published them (holidays, then 13:00 early closes). The
 * rules must reproduce every one; one-off closures (Sandy, days of mourning) come from their list.
 */
const PUBLISHED: Record<number, { holidays: string[]; early: string[] }> = {
  2012: { holidays: ["01-02", "01-16", "02-20", "04-06", "05-28", "07-04", "09-03", "10-29", "10-30", "11-22", "12-25"], early: ["07-03", "11-23", "12-24"] },
  2015: { holidays: ["01-01", "01-19", "02-16", "04-03", "05-25", "07-03", "09-07", "11-26", "12-25"], early: ["11-27", "12-24"] },
  2016: { holidays: ["01-01", "01-18", "02-15", "03-25", "05-30", "07-04", "09-05", "11-24", "12-26"], early: ["11-25"] },
  2017: { holidays: ["01-02", "01-16", "02-20", "04-14", "05-29", "07-04", "09-04", "11-23", "12-25"], early: ["07-03", "11-24"] },
  2018: { holidays: ["01-01", "01-15", "02-19", "03-30", "05-28", "07-04", "09-03", "11-22", "12-05", "12-25"], early: ["07-03", "11-23", "12-24"] },
  2019: { holidays: ["01-01", "01-21", "02-18", "04-19", "05-27", "07-04", "09-02", "11-28", "12-25"], early: ["07-03", "11-29", "12-24"] },
  2020: { holidays: ["01-01", "01-20", "02-17", "04-10", "05-25", "07-03", "09-07", "11-26", "12-25"], early: ["11-27", "12-24"] },
  2021: { holidays: ["01-01", "01-18", "02-15", "04-02", "05-31", "07-05", "09-06", "11-25", "12-24"], early: ["11-26"] },
  2022: { holidays: ["01-17", "02-21", "04-15", "05-30", "06-20", "07-04", "09-05", "11-24", "12-26"], early: ["11-25"] },
  2023: { holidays: ["01-02", "01-16", "02-20", "04-07", "05-29", "06-19", "07-04", "09-04", "11-23", "12-25"], early: ["07-03", "11-24"] },
  2024: { holidays: ["01-01", "01-15", "02-19", "03-29", "05-27", "06-19", "07-04", "09-02", "11-28", "12-25"], early: ["07-03", "11-29", "12-24"] },
  2025: { holidays: ["01-01", "01-09", "01-20", "02-17", "04-18", "05-26", "06-19", "07-04", "09-01", "11-27", "12-25"], early: ["07-03", "11-28", "12-24"] },
  2026: { holidays: ["01-01", "01-19", "02-16", "04-03", "05-25", "06-19", "07-03", "09-07", "11-26", "12-25"], early: ["11-27", "12-24"] },
  2027: { holidays: ["01-01", "01-18", "02-15", "03-26", "05-31", "06-18", "07-05", "09-06", "11-25", "12-24"], early: ["11-26"] },
  2028: { holidays: ["01-17", "02-21", "04-14", "05-29", "06-19", "07-04", "09-04", "11-23", "12-25"], early: ["07-03", "11-24"] },
};

describe("the NYSE's rules", () => {
  it.each(Object.entries(PUBLISHED))("reproduce the published calendar of %s", (yearText, published) => {
    const year = Number(yearText);
    const oneOff = NYSE_ONE_OFF_CLOSURES.filter((d) => d.startsWith(yearText));
    expect([...nyseHolidays(year), ...oneOff].sort()).toEqual(published.holidays.map((d) => `${year}-${d}`));
    expect(nyseEarlyCloses(year)).toEqual(published.early.map((d) => `${year}-${d}`));
    const cal = createMarketCalendar();
    for (const day of published.holidays) expect(cal.isTradingDay(`${year}-${day}`), day).toBe(false);
    for (const day of published.early) {
      const session = cal.session(`${year}-${day}`)!;
      expect(session.close.getTime() - session.open.getTime(), day).toBe(3.5 * 3_600_000); // 09:30 to 13:00
    }
  });

  it("computes Easter for years with known dates, so Good Friday falls right", () => {
    expect(["2000", "2008", "2011", "2019", "2024", "2038", "2049", "2095"].map((y) => easterSunday(Number(y)))).toEqual([
      "2000-04-23", "2008-03-23", "2011-04-24", "2019-04-21", "2024-03-31", "2038-04-25", "2049-04-18", "2095-04-24",
    ]);
  });

  it("gives every year from 2025 to 2035 nine to ten weekday holidays and a day-after-Thanksgiving early close", () => {
    for (let year = 2025; year <= 2035; year += 1) {
      const days = nyseHolidays(year);
      expect(days.length, String(year)).toBeGreaterThanOrEqual(9);
      for (const day of days) expect([6, 0], day).not.toContain(new Date(`${day}T12:00:00Z`).getUTCDay());
      const friday = nyseEarlyCloses(year).find((d) => d.slice(5, 7) === "11")!;
      expect(new Date(`${friday}T12:00:00Z`).getUTCDay(), String(year)).toBe(5);
    }
  });

  it("does not observe New Year's Day on a Saturday, and observes it on the Monday after a Sunday", () => {
    expect(nyseHolidays(2022)).not.toContain("2021-12-31");
    expect(nyseHolidays(2033)[0]).toBe("2033-01-17"); // 2033-01-01 is a Saturday: MLK day comes first
    expect(nyseHolidays(2034)[0]).toBe("2034-01-02"); // a Sunday
  });
});
