import { DateTime } from "luxon";

/**
 * The NYSE's holiday and early-close rules (NYSE Rule 7.2 and its published calendars), so the
 * calendar never runs out: a table would end in a year someone forgot to extend.
 *
 * Full-day closures: New Year's Day, Martin Luther King Jr. Day (third Monday of January),
 * Washington's Birthday (third Monday of February), Good Friday, Memorial Day (last Monday of
 * May), Juneteenth (from 2022), Independence Day, Labor Day (first Monday of September),
 * Thanksgiving (fourth Thursday of November) and Christmas. A holiday on a Sunday is observed
 * on the Monday after; on a Saturday, on the Friday before — except New Year's Day, which is
 * then not observed at all (the Friday closes a year and stays open).
 *
 * Early closes (13:00): July 3 when it is Monday to Thursday, the Friday after Thanksgiving,
 * and December 24 when it is Monday to Thursday.
 *
 * One-off closures (national days of mourning, storms) cannot be derived: the known ones are
 * listed below and operators add new ones by configuration.
 */

/** The years these rules are vouched for: checked against the NYSE's published calendars from 2010 on. */
export const NYSE_RULES_FIRST_YEAR = 2010;
export const NYSE_RULES_LAST_YEAR = 2099;

/** Closures the rules cannot know, as the NYSE announced them. */
export const NYSE_ONE_OFF_CLOSURES: readonly string[] = [
  "2012-10-29", "2012-10-30", // Hurricane Sandy
  "2018-12-05", // National Day of Mourning for President George H. W. Bush
  "2025-01-09", // National Day of Mourning for President Carter
];

const JUNETEENTH_FROM = 2022;

function iso(year: number, month: number, day: number): string {
  return DateTime.utc(year, month, day).toISODate()!;
}

/** luxon weekday: 1 = Monday ... 7 = Sunday. */
function weekday(year: number, month: number, day: number): number {
  return DateTime.utc(year, month, day).weekday;
}

/** The n-th given weekday of a month (n = -1: the last). */
function nthWeekday(year: number, month: number, wanted: number, n: number): string {
  if (n > 0) {
    const first = weekday(year, month, 1);
    return iso(year, month, 1 + ((wanted - first + 7) % 7) + (n - 1) * 7);
  }
  const last = DateTime.utc(year, month, 1).endOf("month").day;
  const lastWeekday = weekday(year, month, last);
  return iso(year, month, last - ((lastWeekday - wanted + 7) % 7));
}

/** Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher"). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(year, month, day);
}

/** A fixed-date holiday moved to the weekday it is observed on (Saturday -> Friday, Sunday -> Monday). */
function observed(year: number, month: number, day: number): string {
  const dow = weekday(year, month, day);
  const shift = dow === 6 ? -1 : dow === 7 ? 1 : 0;
  return DateTime.utc(year, month, day).plus({ days: shift }).toISODate()!;
}

/** Every full-day closure the rules give for `year`, in date order (weekdays only). */
export function nyseHolidays(year: number): string[] {
  const days: string[] = [];
  // New Year's Day on a Saturday is not observed; on a Sunday, on Monday January 2.
  const newYear = weekday(year, 1, 1);
  if (newYear <= 5) days.push(iso(year, 1, 1));
  else if (newYear === 7) days.push(iso(year, 1, 2));
  days.push(nthWeekday(year, 1, 1, 3), nthWeekday(year, 2, 1, 3));
  days.push(DateTime.fromISO(easterSunday(year), { zone: "UTC" }).minus({ days: 2 }).toISODate()!);
  days.push(nthWeekday(year, 5, 1, -1));
  if (year >= JUNETEENTH_FROM) days.push(observed(year, 6, 19));
  days.push(observed(year, 7, 4), nthWeekday(year, 9, 1, 1), nthWeekday(year, 11, 4, 4), observed(year, 12, 25));
  return days.sort();
}

/** Every 13:00 close the rules give for `year`, in date order. */
export function nyseEarlyCloses(year: number): string[] {
  const days: string[] = [];
  if (weekday(year, 7, 3) <= 4) days.push(iso(year, 7, 3));
  days.push(DateTime.fromISO(nthWeekday(year, 11, 4, 4), { zone: "UTC" }).plus({ days: 1 }).toISODate()!);
  if (weekday(year, 12, 24) <= 4) days.push(iso(year, 12, 24));
  return days;
}
