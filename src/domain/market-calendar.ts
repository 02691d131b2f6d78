import { DateTime, IANAZone } from "luxon";
import { isIsoDate } from "./market-time.js";
import { NYSE_ONE_OFF_CLOSURES, NYSE_RULES_FIRST_YEAR, NYSE_RULES_LAST_YEAR, nyseEarlyCloses, nyseHolidays } from "./nyse-rules.js";

/**
 * The NYSE trading calendar: which New York dates are trading days, when each regular session
 * opens and closes, and which trading day an instant counts toward.
 *
 * Pure: every method takes the instant or date it is asked about; nothing reads the clock.
 * All wall-clock arithmetic goes through luxon zones, so DST changes are handled by the tz
 * database rather than by fixed offsets. Holidays and early closes come from the exchange's
 * rules (nyse-rules.ts) for every year they are vouched for, plus one-off closures.
 */

export const NYSE_TIME_ZONE = "America/New_York";

const OPEN = { hour: 9, minute: 30 } as const;
const CLOSE = { hour: 16, minute: 0 } as const;
const EARLY_CLOSE = { hour: 13, minute: 0 } as const;

/** Long enough for any real run of closures; a longer one means a misconfigured holiday list. */
const MAX_SEARCH_DAYS = 366;

export interface MarketCalendarOptions {
  /** IANA zone the session times are written in. Defaults to America/New_York. */
  timeZone?: string;
  /** Additional full-day closures (YYYY-MM-DD): one-off closures the rules cannot know (a day of mourning). */
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
   * True when the calendar can vouch for `year`: the NYSE's rules are known to hold for it
   * (NYSE_RULES_FIRST_YEAR..NYSE_RULES_LAST_YEAR). For other years only weekends and the
   * configured closures count as closed, so callers must not trade on it (fail closed).
   */
  coversYear(year: number): boolean;
  /** coversYear for the year of this (exchange-local) date: whether trading may rely on the calendar that day. */
  vouchesFor(isoDate: string): boolean;
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

  const closures = new Set<string>([...NYSE_ONE_OFF_CLOSURES, ...extraHolidays]);
  const extraEarly = new Set<string>(extraEarlyCloses);
  const covers = (year: number) => year >= NYSE_RULES_FIRST_YEAR && year <= NYSE_RULES_LAST_YEAR;
  // Each year's rule dates, computed once on first use.
  const years = new Map<number, { holidays: Set<string>; earlyCloses: Set<string> }>();
  const ruleDays = (year: number) => {
    let days = years.get(year);
    if (!days) {
      days = covers(year) ? { holidays: new Set(nyseHolidays(year)), earlyCloses: new Set(nyseEarlyCloses(year)) } : { holidays: new Set(), earlyCloses: new Set() };
      years.set(year, days);
    }
    return days;
  };
  const isHoliday = (isoDate: string) => closures.has(isoDate) || ruleDays(yearOf(isoDate)).holidays.has(isoDate);
  const isEarlyClose = (isoDate: string) => extraEarly.has(isoDate) || ruleDays(yearOf(isoDate)).earlyCloses.has(isoDate);

  const localDateOf = (at: Date): string => {
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
      throw new RangeError(`${String(at)} is not a valid instant`);
    }
    return DateTime.fromJSDate(at, { zone: timeZone }).toISODate()!;
  };

  const tradingDay = (isoDate: string): boolean => !isWeekend(isoDate) && !isHoliday(isoDate);

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
    return { open: at(isoDate, OPEN), close: at(isoDate, isEarlyClose(isoDate) ? EARLY_CLOSE : CLOSE) };
  };

  return {
    timeZone,
    coversYear: covers,
    vouchesFor: (isoDate) => {
      requireIsoDate(isoDate);
      return covers(yearOf(isoDate));
    },
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

/**
 * The trading days from `first` to `last` (YYYY-MM-DD), both ends counted when they are trading
 * days; 0 when `last` is before `first`. The promotion gate's 90 days of record are trading days,
 * never calendar days: /phase and the daily report count them here (the replay, which knows the
 * sessions it replayed, counts those).
 */
export function tradingDaysBetween(calendar: Pick<MarketCalendar, "isTradingDay" | "nextTradingDay">, first: string, last: string): number {
  requireIsoDate(last);
  let count = 0;
  for (let day = calendar.isTradingDay(first) ? first : calendar.nextTradingDay(first); day <= last; day = calendar.nextTradingDay(day)) count += 1;
  return count;
}
