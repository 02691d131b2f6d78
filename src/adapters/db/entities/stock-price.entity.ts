import { Column, Entity, PrimaryColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import { numeric, PRICE } from "../columns.js";

@Entity("stock_prices")
export class StockPriceEntity {
  @PrimaryColumn({ type: "text" }) ticker!: string;
  @PrimaryColumn({ type: "timestamptz" }) time!: Date;
  @Column(numeric(PRICE.precision, PRICE.scale)) open!: Dec;
  @Column(numeric(PRICE.precision, PRICE.scale)) high!: Dec;
  @Column(numeric(PRICE.precision, PRICE.scale)) low!: Dec;
  @Column(numeric(PRICE.precision, PRICE.scale)) close!: Dec;
  @Column(numeric(PRICE.precision, PRICE.scale, { name: "adj_close", nullable: true })) adjClose!: Dec | null;
  /** int8 as a string: exact, and volumes never take part in arithmetic that needs more. */
  @Column({ type: "bigint" }) volume!: string;
  @Column({ type: "text" }) source!: string;
}
