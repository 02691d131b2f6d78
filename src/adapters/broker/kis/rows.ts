import { type Dec } from "../../../domain/decimal.js";
import { str } from "./http.js";
import { parseNumber } from "./prices.js";

export type Row = Record<string, unknown>;

/** KIS `output` / `output1` as a list: one object becomes a list of one; all-blank rows are dropped. */
export function rowsOf(v: unknown): Row[] {
  const list = Array.isArray(v) ? v : v && typeof v === "object" ? [v] : [];
  return list.filter((r): r is Row => !!r && typeof r === "object" && !isBlank(r as Row));
}

export function isBlank(row: Row): boolean {
  return Object.values(row).every((v) => v === null || v === undefined || str(v).trim() === "" || (typeof v === "object" && isBlank(v as Row)));
}

export function num(v: unknown): Dec | undefined {
  return parseNumber(v);
}

export function int(v: unknown): number {
  const d = parseNumber(v);
  return d ? d.toNumber() : 0;
}

/** YYYYMMDD in the exchange's time zone (US stocks: New York). */
export function exchangeDate(at: Date, timeZone = "America/New_York"): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at).replaceAll("-", "");
}

/**
 * ord_dt + ord_tmd as an instant. Read as Korean time (KST, UTC+9, no daylight saving):
 * KIS stamps orders on its own clock (unverified for overseas orders; used only for matching windows).
 */
export function kstInstant(date: string, time: string): Date | undefined {
  const d = date.trim();
  const t = time.trim().padEnd(6, "0");
  if (!/^\d{8}$/.test(d) || !/^\d{6}$/.test(t)) return undefined;
  const ms = Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +t.slice(0, 2), +t.slice(2, 4), +t.slice(4, 6));
  return new Date(ms - 9 * 3600_000);
}
