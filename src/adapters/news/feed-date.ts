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
