import { Dec } from "./decimal.js";

/** Display formatting for report values. Half-even rounding, as everywhere in the desk. */

function requirePlaces(places: number): void {
  if (!Number.isSafeInteger(places) || places < 0 || places > 20) {
    throw new RangeError(`decimal places must be a whole number from 0 to 20, got ${String(places)}`);
  }
}

/** toFixed without a "-" on a value that rounds to zero. */
function fixed(d: Dec, places: number): string {
  const text = d.toFixed(places, Dec.ROUND_HALF_EVEN);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** A fraction as a percentage: 0.55 -> "55.00%", -0.1 -> "-10.00%". */
export function formatPercent(fraction: Dec, places = 2): string {
  requirePlaces(places);
  return `${fixed(fraction.mul(100), places)}%`;
}

/** Money to cents with thousands separators: -1234.565 -> "-1,234.56", 1234567.5 -> "1,234,567.50". */
export function formatMoney(d: Dec): string {
  const text = fixed(d, 2);
  const negative = text.startsWith("-");
  const [whole = "0", cents = "00"] = (negative ? text.slice(1) : text).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}.${cents}`;
}
