import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { Signal } from "../../../domain/vocabulary.js";
import { numeric, PRICE } from "../columns.js";
import { AccountEntity } from "./account.entity.js";

@Check("warroom_sessions_confidence_check", `((confidence >= (0)::numeric) AND (confidence <= (1)::numeric))`)
@Check("warroom_sessions_decision_check", `(decision = ANY (ARRAY['BUY'::text, 'SELL'::text, 'HOLD'::text]))`)
@Check("warroom_sessions_duration_ms_check", `(duration_ms >= 0)`)
@Check("warroom_sessions_quantity_check", `(quantity > 0)`)
@Check("warroom_sessions_stop_price_check", `(stop_price > (0)::numeric)`)
@Check("warroom_sessions_ticker_check", `(ticker ~ '^[A-Z][A-Z0-9.-]{0,9}$'::text)`)
@Index("warroom_sessions_ticker_recent", ["ticker", "createdAt"]) // the migration orders it (ticker, created_at DESC): @Index cannot say DESC
@Entity("warroom_sessions")
export class WarroomSessionEntity {
  @PrimaryGeneratedColumn("uuid", { primaryKeyConstraintName: "warroom_sessions_pkey" }) id!: string;
  @Column({ type: "uuid", name: "account_id", nullable: true }) accountId!: string | null;
  @Column({ type: "text" }) ticker!: string;
  @Column({ type: "text", name: "requested_by" }) requestedBy!: string;
  @Column({ type: "text" }) decision!: Signal;
  @Column(numeric(5, 4)) confidence!: Dec;
  @Column({ type: "integer", nullable: true }) quantity!: number | null;
  @Column(numeric(PRICE.precision, PRICE.scale, { name: "stop_price", nullable: true })) stopPrice!: Dec | null;
  @Column({ type: "boolean", default: false }) vetoed!: boolean;
  @Column({ type: "text", default: "" }) rationale!: string;
  @Column({ type: "integer", name: "duration_ms" }) durationMs!: number;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
  @ManyToOne(() => AccountEntity, { onDelete: "SET NULL", nullable: true })
  @JoinColumn({ name: "account_id", foreignKeyConstraintName: "warroom_sessions_account_id_fkey" })
  account?: AccountEntity | null;
}
