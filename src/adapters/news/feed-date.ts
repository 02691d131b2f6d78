import { DateTime } from "luxon";

/**
 * Zone abbreviations seen in real feeds that RFC 2822 does not define (it knows only UT, GMT
 * and the North American ones). Ambiguous ones (IST: India, Ireland or Israel) are left out:
 * such a date is unreadable rather than wrong.
 */
const EXTRA_ZONES: Record<string, string> = {
  CET: "+0100",
  CEST: "+0200",
  BST: "+0100",
  WET: "+0000",
  WEST: "+0100",
  EET: "+0200",
  EEST: "+0300",
  MSK: "+0300",
  JST: "+0900",
  KST: "+0900",
  HKT: "+0800",
  SGT: "+0800",
  AEST: "+1000",
  AEDT: "+1100",
};
const TRAILING_ZONE = /\s([A-Z]{3,4})$/;

/** ISO 8601 as feeds write it: a date, optionally a time, optionally a zone ("Z", "+01:00", "+0100"). */
const SIMPLE_ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
/** RFC 822 with a zone JavaScript's Date reads the same way as RFC 2822 (numeric, UT/GMT, the North American ones). */
const SIMPLE_RFC822 = /^(?:[A-Za-z]{3},?\s+)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2}(?:\d{2})?\s+\d{1,2}:\d{2}(?::\d{2})?\s+(?:[+-]\d{4}|GMT|UTC?|Z|[ECMP][SD]T)$/i;

/**
 * The two shapes nearly every feed uses, read by Date in a few hundred nanoseconds (luxon
 * takes some 50 microseconds, a third of a 500-item feed's parse). The patterns are strict
 * enough that Date's leniency never applies: a zone is always explicit (an ISO date without
 * one is given "Z" here), and a two-digit year follows RFC 2822 in both (00-49: 20xx).
 */
function quickDate(text: string): Date | null {
  const iso = SIMPLE_ISO.exec(text);
  if (iso) {
    const [, day, time, zone] = iso;
    const offset = !zone || zone.toUpperCase() === "Z" ? "Z" : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
    const date = new Date(time ? `${day}T${time.length === 5 ? `${time}:00` : time}${offset}` : `${day}T00:00:00Z`);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  if (SIMPLE_RFC822.test(text)) {
    const date = new Date(text);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
}

/**
 * A feed's date as an instant, or null when it cannot be read with confidence.
 * - ISO 8601 / RFC 3339 (Atom `published`/`updated`, `dc:date`): an offset, "Z", or none,
 *   and then UTC is assumed (feeds omit the zone mostly when they mean UTC; the server's own
 *   time zone would make the result depend on where the desk runs). A date alone is midnight UTC.
 * - RFC 822/2822 (RSS `pubDate`), two-digit years and obsolete zones included, plus the
 *   common zone abbreviations above; RFC 850 and asctime (HTTP dates).
 */
export function parseFeedDate(raw: string): Date | null {
  const text = raw.trim().replace(/\s+/g, " ");
  if (text === "") return null;
  const quick = quickDate(text);
  if (quick) return quick;
  const utc = { zone: "utc", setZone: false } as const;
  for (const attempt of [
    () => DateTime.fromISO(text, utc),
    () => DateTime.fromRFC2822(text, utc),
    () => DateTime.fromRFC2822(text.replace(/^(\w{3},? )?(\d{1,2} \w{3} \d{2,4}) (\d):/, "$1$2 0$3:"), utc),
    () => {
      const zone = TRAILING_ZONE.exec(text)?.[1];
      const offset = zone ? EXTRA_ZONES[zone] : undefined;
      return offset ? DateTime.fromRFC2822(text.replace(TRAILING_ZONE, ` ${offset}`), utc) : DateTime.invalid("no zone");
    },
    () => DateTime.fromHTTP(text, utc),
  ]) {
    const date = attempt();
    if (date.isValid) return date.toJSDate();
  }
  return null;
}
