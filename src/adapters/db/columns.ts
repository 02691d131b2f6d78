import type { ColumnOptions, ValueTransformer } from "typeorm";
import { Dec } from "../../domain/decimal.js";

/** NUMERIC <-> Decimal. pg returns NUMERIC as a string, so no binary float is ever involved. */
const decimalTransformer: ValueTransformer = {
  to: (value: Dec | string | null | undefined) => (value === null || value === undefined ? value : typeof value === "string" ? value : value.toFixed()),
  from: (value: string | null) => (value === null ? null : new Dec(value)),
};

/** A NUMERIC money or price column read and written as a Decimal. */
export function numeric(precision: number, scale: number, options: ColumnOptions = {}): ColumnOptions {
  return { type: "numeric", precision, scale, transformer: decimalTransformer, ...options };
}

export const PRICE = { precision: 20, scale: 6 } as const;
export const MONEY = { precision: 20, scale: 4 } as const;
