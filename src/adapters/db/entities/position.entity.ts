import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import { MONEY, numeric, PRICE } from "../columns.js";
import { AccountEntity } from "./account.entity.js";

@Check("positions_cost_basis_check", `(cost_basis >= (0)::numeric)`)
@Check("positions_quantity_check", `(quantity >= 0)`)
@Check("positions_stop_price_check", `(stop_price > (0)::numeric)`)
@Check("positions_ticker_check", `(ticker ~ '^[A-Z][A-Z0-9.-]{0,9}$'::text)`)
@Unique("positions_account_id_ticker_key", ["accountId", "ticker"])
@Entity("positions")
export class PositionEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS", primaryKeyConstraintName: "positions_pkey" }) id!: string;
  @Column({ type: "uuid", name: "account_id" }) accountId!: string;
  @Column({ type: "text" }) ticker!: string;
  /** Whole shares, long only. */
  @Column({ type: "integer" }) quantity!: number;
  /** Total cost of the shares held, buy commissions included; the average price derives from it. */
  @Column(numeric(MONEY.precision, MONEY.scale, { name: "cost_basis", default: 0 })) costBasis!: Dec;
  @Column(numeric(MONEY.precision, MONEY.scale, { name: "realized_pnl", default: 0 })) realizedPnl!: Dec;
  @Column(numeric(PRICE.precision, PRICE.scale, { name: "stop_price", nullable: true })) stopPrice!: Dec | null;
  @Column({ type: "timestamptz", name: "opened_at", default: () => "now()" }) openedAt!: Date;
  @UpdateDateColumn({ type: "timestamptz", name: "updated_at" }) updatedAt!: Date;
  @ManyToOne(() => AccountEntity, { onDelete: "CASCADE", nullable: false })
  @JoinColumn({ name: "account_id", foreignKeyConstraintName: "positions_account_id_fkey" })
  account?: AccountEntity;
}
