import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { OrderSource, Side } from "../../../domain/vocabulary.js";
import { AccountEntity } from "./account.entity.js";
import type { Refusal } from "../../../domain/risk/pre-trade.js";

/** An order (or, dry run, a proposal's check) the pre-trade rules refused, with every reason. */
@Check("order_refusals_codes_check", `(cardinality(codes) > 0)`)
@Check("order_refusals_side_check", `(side = ANY (ARRAY['BUY'::text, 'SELL'::text]))`)
@Check("order_refusals_source_check", `(source = ANY (ARRAY['operator'::text, 'warroom'::text, 'stop-loss'::text, 'replay'::text]))`)
@Index("order_refusals_recent", ["createdAt"]) // the migration orders it (created_at DESC): @Index cannot say DESC
@Entity("order_refusals")
export class OrderRefusalEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS", primaryKeyConstraintName: "order_refusals_pkey" }) id!: string;
  @Column({ type: "uuid", name: "account_id" }) accountId!: string;
  @Column({ type: "text" }) source!: OrderSource;
  @Column({ type: "text" }) side!: Side;
  @Column({ type: "text" }) ticker!: string;
  @Column({ type: "integer" }) quantity!: number;
  @Column({ type: "text", array: true }) codes!: string[];
  @Column({ type: "jsonb" }) reasons!: Refusal[];
  @Column({ type: "text", name: "requested_by" }) requestedBy!: string;
  @Column({ type: "boolean", name: "dry_run" }) dryRun!: boolean;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
  @ManyToOne(() => AccountEntity, { onDelete: "CASCADE", nullable: false })
  @JoinColumn({ name: "account_id", foreignKeyConstraintName: "order_refusals_account_id_fkey" })
  account?: AccountEntity;
}
