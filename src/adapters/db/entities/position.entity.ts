import { Column, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import { MONEY, numeric, PRICE } from "../columns.js";

@Entity("positions")
export class PositionEntity {
  @PrimaryGeneratedColumn({ type: "bigint" }) id!: string;
  @Column({ type: "uuid", name: "account_id" }) accountId!: string;
  @Column({ type: "text" }) ticker!: string;
  /** Whole shares, long only. */
  @Column({ type: "integer" }) quantity!: number;
  /** Total cost of the shares held, buy commissions included; the average price derives from it. */
  @Column(numeric(MONEY.precision, MONEY.scale, { name: "cost_basis" })) costBasis!: Dec;
  @Column(numeric(MONEY.precision, MONEY.scale, { name: "realized_pnl" })) realizedPnl!: Dec;
  @Column(numeric(PRICE.precision, PRICE.scale, { name: "stop_price", nullable: true })) stopPrice!: Dec | null;
  @Column({ type: "timestamptz", name: "opened_at" }) openedAt!: Date;
  @UpdateDateColumn({ type: "timestamptz", name: "updated_at" }) updatedAt!: Date;
}
