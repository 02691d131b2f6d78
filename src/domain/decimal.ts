import { Decimal } from "decimal.js";

/**
 * The one decimal type for money, prices and P&L. 40 significant digits covers any NUMERIC(20,6)
 * product without loss; banker's rounding (half-even) is what accounting expects when a value
 * must be rounded to a column's scale.
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });
export type Dec = Decimal;

/** A decimal string as PostgreSQL and our CSV sources write it: optional sign, digits, optional fraction. */
export const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;

export function dec(value: string | number | Decimal): Decimal {
  return new Dec(value);
}
