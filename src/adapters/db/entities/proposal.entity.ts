import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { OrderSource, OrderType, ProposalStatus, Side } from "../../../domain/vocabulary.js";
import { numeric, PRICE } from "../columns.js";

/** A trade waiting for a trader's decision; the first decision wins (conditional update on status). */
@Entity("proposals")
export class ProposalEntity {
  @PrimaryGeneratedColumn("uuid") id!: string;
  @Column({ type: "uuid", name: "account_id" }) accountId!: string;
  @Column({ type: "text", name: "idempotency_key" }) idempotencyKey!: string;
  @Column({ type: "text" }) source!: OrderSource;
  @Column({ type: "text" }) side!: Side;
  @Column({ type: "text" }) ticker!: string;
  @Column({ type: "integer" }) quantity!: number;
  @Column({ type: "text", name: "order_type" }) orderType!: OrderType;
  @Column(numeric(PRICE.precision, PRICE.scale, { name: "limit_price", nullable: true })) limitPrice!: Dec | null;
  @Column(numeric(PRICE.precision, PRICE.scale, { name: "stop_price", nullable: true })) stopPrice!: Dec | null;
  @Column({ type: "text" }) rationale!: string;
  @Column({ type: "text" }) status!: ProposalStatus;
  @Column({ type: "text", name: "requested_by" }) requestedBy!: string;
  @Column({ type: "text", name: "decided_by", nullable: true }) decidedBy!: string | null;
  @Column({ type: "timestamptz", name: "decided_at", nullable: true }) decidedAt!: Date | null;
  @Column({ type: "text", name: "decision_reason", nullable: true }) decisionReason!: string | null;
  @Column({ type: "timestamptz", name: "expires_at" }) expiresAt!: Date;
  @Column({ type: "uuid", name: "warroom_session_id", nullable: true }) warroomSessionId!: string | null;
  /** Telegram messages that show this proposal, edited when it is decided. */
  @Column({ type: "jsonb" }) messages!: { chatId: number; messageId: number }[];
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
  @UpdateDateColumn({ type: "timestamptz", name: "updated_at" }) updatedAt!: Date;
}
