import { Check, Column, Entity, PrimaryColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import { numeric, PRICE } from "../columns.js";

@Check("stock_prices_close_check", `(close > (0)::numeric)`)
@Check("stock_prices_high_check", `(high > (0)::numeric)`)
@Check("stock_prices_low_check", `(low > (0)::numeric)`)
@Check("stock_prices_open_check", `(open > (0)::numeric)`)
@Check("stock_prices_range", `((low <= high) AND (low <= open) AND (open <= high) AND (low <= close) AND (close <= high))`)
@Check("stock_prices_ticker_check", `(ticker ~ '^[A-Z][A-Z0-9.-]{0,9}$'::text)`)
@Check("stock_prices_volume_check", `(volume >= 0)`)
@Entity("stock_prices")
export class StockPriceEntity {
  @PrimaryColumn({ type: "text", primaryKeyConstraintName: "stock_prices_pkey" }) ticker!: string;
  @PrimaryColumn({ type: "timestamptz", primaryKeyConstraintName: "stock_prices_pkey" }) time!: Date;
  @Column(numeric(PRICE.precision, PRICE.scale)) open!: Dec;
  @Column(numeric(PRICE.precision, PRICE.scale)) high!: Dec;
  @Column(numeric(PRICE.precision, PRICE.scale)) low!: Dec;
  @Column(numeric(PRICE.precision, PRICE.scale)) close!: Dec;
  @Column(numeric(PRICE.precision, PRICE.scale, { name: "adj_close", nullable: true })) adjClose!: Dec | null;
  /** int8 as a string: exact, and volumes never take part in arithmetic that needs more. */
  @Column({ type: "bigint", default: 0 }) volume!: string;
  @Column({ type: "text", default: "import" }) source!: string;
}
