import { DateTime } from "luxon";
import { NYSE_TIME_ZONE } from "../../../domain/market-calendar.js";

/** Operators think in exchange time: every time the bot shows is New York time, labelled. */
export function etTime(at: Date): string {
  return `${DateTime.fromJSDate(at, { zone: NYSE_TIME_ZONE }).toFormat("HH:mm")} ET`;
}

export function etDateTime(at: Date): string {
  return `${DateTime.fromJSDate(at, { zone: NYSE_TIME_ZONE }).toFormat("yyyy-LL-dd HH:mm")} ET`;
}
