import { DateTime } from "luxon";

/**
 * The instant a daily bar stands for: the regular close, 16:00 in the exchange's time zone, on
 * that date. Storing bars at the close (not at midnight UTC) keeps "latest price" and the
 * stale-data rule honest about when a price was last true.
 */
export function dailyBarTime(isoDate: string, timeZone: string): Date {
  const local = DateTime.fromISO(isoDate, { zone: timeZone }).set({ hour: 16, minute: 0, second: 0, millisecond: 0 });
  if (!local.isValid) throw new RangeError(`"${isoDate}" is not a valid date in ${timeZone}`);
  return local.toJSDate();
}

/** True for a real calendar date written as YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value, { zone: "UTC" }).isValid;
}
