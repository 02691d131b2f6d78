import { DateTime, IANAZone } from "luxon";
import { isIsoDate } from "./market-time.js";

/**
 * The NYSE trading calendar: which New York dates are trading days, when each regular session
 * opens and closes, and which trading day an instant counts toward.
 *
 * Pure: every method takes the instant or date it is asked about; nothing reads the clock.
 * All wall-clock arithmetic goes through luxon zones, so DST changes are handled by the tz
 * database rather than by fixed offsets.
 */

export const NYSE_TIME_ZONE = "America/New_York";

/** Full-day closures on weekdays, exactly as NYSE publishes them. */
export const NYSE_HOLIDAYS: readonly string[] = [
  // 2025
  "2025-01-01", "2025-01-09", // National Day of Mourning for President Carter
  "2025-01-20", "2025-02-17", "2025-04-18", "2025-05-26", "2025-06-19", "2025-07-04",
  "2025-09-01", "2025-11-27", "2025-12-25",
  // 2026
  "2026-01-01", "2026-01-19", "2026-02-16", "2026-04-03", "2026-05-25", "2026-06-19",
  "2026-07-03", // Independence Day observed
  "2026-09-07", "2026-11-26", "2026-12-25",
  // 2027
  "2027-01-01", "2027-01-18", "2027-02-15", "2027-03-26", "2027-05-31",
  "2027-06-18", // Juneteenth observed
  "2027-07-05", // Independence Day observed
  "2027-09-06", "2027-11-25",
  "2027-12-24", // Christmas observed
];

/** Days the regular session ends at 13:00 instead of 16:00. */
export const NYSE_EARLY_CLOSES: readonly string[] = [
  "2025-07-03", "2025-11-28", "2025-12-24",
  "2026-11-27", "2026-12-24",
  "2027-11-26",
];

/** The years the built-in tables above describe completely. */
export const NYSE_KNOWN_YEARS: readonly number[] = [2025, 2026, 2027];

const OPEN = { hour: 9, minute: 30 } as const;
const CLOSE = { hour: 16, minute: 0 } as const;
const EARLY_CLOSE = { hour: 13, minute: 0 } as const;

/** Long enough for any real run of closures; a longer one means a misconfigured holiday list. */
const MAX_SEARCH_DAYS = 366;

export interface MarketCalendarOptions {
  /** IANA zone the session times are written in. Defaults to America/New_York. */
  timeZone?: string;
  /** Additional full-day closures (YYYY-MM-DD), e.g. for years beyond the built-in table. */
  extraHolidays?: string[];
  /** Additional 13:00 early closes (YYYY-MM-DD). A date that is also a holiday stays closed. */
  extraEarlyCloses?: string[];
}

export interface MarketSession {
  open: Date;
  close: Date;
}

export interface MarketCalendar {
  readonly timeZone: string;
  /**
   * True when the calendar has holiday data for `year`: a built-in year, or a year in which at
   * least one extra holiday or early close was configured. For other years only weekends are
   * treated as closed, so callers should warn.
   */
  coversYear(year: number): boolean;
  /** Whether the exchange holds a regular session on this (exchange-local) date. */
  isTradingDay(isoDate: string): boolean;
  /** The regular session of this date; `undefined` when it is not a trading day. */
  session(isoDate: string): MarketSession | undefined;
  /** True when `open <= at < close` for the session of `at`'s exchange-local date. */
  isMarketOpen(at: Date): boolean;
  /**
   * The trading day an instant counts toward, for daily counters and start-of-day equity.
   *
   * Choice: the exchange-local calendar date of `at` if that date is a trading day (whatever the
   * hour — pre-market and after-hours belong to that day), otherwise the next trading day. So
   * Saturday and Sunday count toward Monday, and a holiday toward the trading day after it.
   * Never a past day, so a counter reset for a day never has to be undone.
   */
  tradingDayOf(at: Date): string;
  /** The first trading day strictly after `isoDate` (which need not itself be a trading day). */
  nextTradingDay(isoDate: string): string;
  /** The last trading day strictly before `isoDate` (which need not itself be a trading day). */
  previousTradingDay(isoDate: string): string;
  /**
   * The earliest session open strictly later than `at`. During a session (or exactly at its
   * open) this is the *next* session's open, not the current one: callers that mean "now, if
   * the market is open" should check `isMarketOpen(at)` first.
   */
  nextOpen(at: Date): Date;
}

function parseDateList(values: readonly string[] | undefined, label: string): string[] {
  const dates: string[] = [];
  for (const value of values ?? []) {
    if (typeof value !== "string" || !isIsoDate(value)) {
      throw new RangeError(`${label}: ${JSON.stringify(value)} is not a valid YYYY-MM-DD date`);
    }
    dates.push(value);
  }
  return dates;
}

function yearOf(isoDate: string): number {
  return Number(isoDate.slice(0, 4));
}

function requireIsoDate(isoDate: string): void {
  if (typeof isoDate !== "string" || !isIsoDate(isoDate)) {
    throw new RangeError(`${JSON.stringify(isoDate)} is not a valid YYYY-MM-DD date`);
  }
}

/** Shift a calendar date by whole days; zone-free, so DST cannot skew it. */
function addDays(isoDate: string, days: number): string {
  return DateTime.fromISO(isoDate, { zone: "UTC" }).plus({ days }).toISODate()!;
}

function isWeekend(isoDate: string): boolean {
  // luxon weekday: 1 = Monday ... 7 = Sunday. A calendar date's weekday is zone-independent.
  return DateTime.fromISO(isoDate, { zone: "UTC" }).weekday >= 6;
}

export function createMarketCalendar(options: MarketCalendarOptions = {}): MarketCalendar {
  const timeZone = options.timeZone ?? NYSE_TIME_ZONE;
  if (!IANAZone.isValidZone(timeZone)) {
    throw new RangeError(`${JSON.stringify(timeZone)} is not a valid IANA time zone`);
  }
  const extraHolidays = parseDateList(options.extraHolidays, "extraHolidays");
  const extraEarlyCloses = parseDateList(options.extraEarlyCloses, "extraEarlyCloses");

  const holidays = new Set<string>([...NYSE_HOLIDAYS, ...extraHolidays]);
  const earlyCloses = new Set<string>([...NYSE_EARLY_CLOSES, ...extraEarlyCloses]);
  const coveredYears = new Set<number>([
    ...NYSE_KNOWN_YEARS,
    ...extraHolidays.map(yearOf),
    ...extraEarlyCloses.map(yearOf),
  ]);

  const localDateOf = (at: Date): string => {
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
      throw new RangeError(`${String(at)} is not a valid instant`);
    }
    return DateTime.fromJSDate(at, { zone: timeZone }).toISODate()!;
  };

  const tradingDay = (isoDate: string): boolean => !isWeekend(isoDate) && !holidays.has(isoDate);

  const step = (isoDate: string, direction: 1 | -1): string => {
    requireIsoDate(isoDate);
    let day = isoDate;
    for (let i = 0; i < MAX_SEARCH_DAYS; i++) {
      day = addDays(day, direction);
      if (tradingDay(day)) return day;
    }
    throw new RangeError(`no trading day within ${MAX_SEARCH_DAYS} days of ${isoDate}`);
  };

  const at = (isoDate: string, time: { hour: number; minute: number }): Date =>
    DateTime.fromISO(isoDate, { zone: timeZone }).set({ ...time, second: 0, millisecond: 0 }).toJSDate();

  const session = (isoDate: string): MarketSession | undefined => {
    requireIsoDate(isoDate);
    if (!tradingDay(isoDate)) return undefined;
    return { open: at(isoDate, OPEN), close: at(isoDate, earlyCloses.has(isoDate) ? EARLY_CLOSE : CLOSE) };
  };

  return {
    timeZone,
    coversYear: (year) => coveredYears.has(year),
    isTradingDay: (isoDate) => {
      requireIsoDate(isoDate);
      return tradingDay(isoDate);
    },
    session,
    isMarketOpen: (instant) => {
      const current = session(localDateOf(instant));
      return current !== undefined && current.open <= instant && instant < current.close;
    },
    tradingDayOf: (instant) => {
      const day = localDateOf(instant);
      return tradingDay(day) ? day : step(day, 1);
    },
    nextTradingDay: (isoDate) => step(isoDate, 1),
    previousTradingDay: (isoDate) => step(isoDate, -1),
    nextOpen: (instant) => {
      const day = localDateOf(instant);
      const today = session(day);
      if (today !== undefined && today.open > instant) return today.open;
      return session(step(day, 1))!.open;
    },
  };
}
