import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { Side } from "../../../domain/vocabulary.js";
import { MONEY, numeric, PRICE } from "../columns.js";

@Entity("fills")
export class FillEntity {
  @PrimaryGeneratedColumn({ type: "bigint" }) id!: string;
  @Column({ type: "uuid", name: "order_id" }) orderId!: string;
  @Column({ type: "uuid", name: "account_id" }) accountId!: string;
  @Column({ type: "text" }) ticker!: string;
  @Column({ type: "text" }) side!: Side;
  @Column({ type: "integer" }) quantity!: number;
  @Column(numeric(PRICE.precision, PRICE.scale)) price!: Dec;
  @Column(numeric(MONEY.precision, MONEY.scale)) commission!: Dec;
  @Column(numeric(MONEY.precision, MONEY.scale, { name: "realized_pnl", nullable: true })) realizedPnl!: Dec | null;
  @Column({ type: "text", name: "broker_fill_id", nullable: true }) brokerFillId!: string | null;
  @Column({ type: "timestamptz", name: "filled_at" }) filledAt!: Date;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
}
