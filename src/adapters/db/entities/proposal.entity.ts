import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { OrderSource, OrderType, ProposalStatus, Side } from "../../../domain/vocabulary.js";
import { numeric, PRICE } from "../columns.js";
import { AccountEntity } from "./account.entity.js";
import { WarroomSessionEntity } from "./warroom-session.entity.js";

/** A trade waiting for a trader's decision; the first decision wins (conditional update on status). */
@Check("proposals_idempotency_key_check", `((length(idempotency_key) >= 1) AND (length(idempotency_key) <= 128))`)
@Check("proposals_limit_price", `((order_type = 'limit'::text) = (limit_price IS NOT NULL))`)
@Check("proposals_limit_price_check", `(limit_price > (0)::numeric)`)
@Check("proposals_order_type_check", `(order_type = ANY (ARRAY['market'::text, 'limit'::text]))`)
@Check("proposals_quantity_check", `(quantity > 0)`)
@Check("proposals_side_check", `(side = ANY (ARRAY['BUY'::text, 'SELL'::text]))`)
@Check("proposals_source_check", `(source = ANY (ARRAY['operator'::text, 'warroom'::text, 'stop-loss'::text, 'replay'::text]))`)
@Check("proposals_status_check", `(status = ANY (ARRAY['pending'::text, 'approved'::text, 'executed'::text, 'failed'::text, 'rejected_by_risk'::text, 'denied'::text, 'expired'::text, 'cancelled'::text]))`)
@Check("proposals_stop_price_check", `(stop_price > (0)::numeric)`)
@Check("proposals_ticker_check", `(ticker ~ '^[A-Z][A-Z0-9.-]{0,9}$'::text)`)
@Unique("proposals_account_id_idempotency_key_key", ["accountId", "idempotencyKey"])
@Index("proposals_account_recent", ["accountId", "createdAt"]) // the migration orders it (account_id, created_at DESC): @Index cannot say DESC
@Index("proposals_pending_expiry", ["expiresAt"], { where: `(status = 'pending'::text)` })
@Entity("proposals")
export class ProposalEntity {
  @PrimaryGeneratedColumn("uuid", { primaryKeyConstraintName: "proposals_pkey" }) id!: string;
  @Column({ type: "uuid", name: "account_id" }) accountId!: string;
  @Column({ type: "text", name: "idempotency_key" }) idempotencyKey!: string;
  @Column({ type: "text" }) source!: OrderSource;
  @Column({ type: "text" }) side!: Side;
  @Column({ type: "text" }) ticker!: string;
  @Column({ type: "integer" }) quantity!: number;
  @Column({ type: "text", name: "order_type" }) orderType!: OrderType;
  @Column(numeric(PRICE.precision, PRICE.scale, { name: "limit_price", nullable: true })) limitPrice!: Dec | null;
  @Column(numeric(PRICE.precision, PRICE.scale, { name: "stop_price", nullable: true })) stopPrice!: Dec | null;
  @Column({ type: "text", default: "" }) rationale!: string;
  @Column({ type: "text", default: "pending" }) status!: ProposalStatus;
  @Column({ type: "text", name: "requested_by" }) requestedBy!: string;
  @Column({ type: "text", name: "decided_by", nullable: true }) decidedBy!: string | null;
  @Column({ type: "timestamptz", name: "decided_at", nullable: true }) decidedAt!: Date | null;
  @Column({ type: "text", name: "decision_reason", nullable: true }) decisionReason!: string | null;
  @Column({ type: "timestamptz", name: "expires_at" }) expiresAt!: Date;
  @Column({ type: "uuid", name: "warroom_session_id", nullable: true }) warroomSessionId!: string | null;
  /** Telegram messages that show this proposal, edited when it is decided. */
  @Column({ type: "jsonb", default: [] }) messages!: { chatId: number; messageId: number }[];
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
  @UpdateDateColumn({ type: "timestamptz", name: "updated_at" }) updatedAt!: Date;
  @ManyToOne(() => AccountEntity, { onDelete: "CASCADE", nullable: false })
  @JoinColumn({ name: "account_id", foreignKeyConstraintName: "proposals_account_id_fkey" })
  account?: AccountEntity;
  @ManyToOne(() => WarroomSessionEntity, { onDelete: "SET NULL", nullable: true })
  @JoinColumn({ name: "warroom_session_id", foreignKeyConstraintName: "proposals_warroom_session_id_fkey" })
  warroomSession?: WarroomSessionEntity | null;
}
