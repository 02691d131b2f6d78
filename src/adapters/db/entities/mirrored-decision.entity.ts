import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from "typeorm";
import type { Side } from "../../../domain/vocabulary.js";
import { WarroomSessionEntity } from "./warroom-session.entity.js";

/** One decision (a War Room session or an operator's --mirror order) sent to every eligible account. */
@Check("mirrored_decisions_idempotency_key_check", `((length(idempotency_key) >= 1) AND (length(idempotency_key) <= 128))`)
@Check("mirrored_decisions_side_check", `(side = ANY (ARRAY['BUY'::text, 'SELL'::text]))`)
@Check("mirrored_decisions_source_check", `(source = ANY (ARRAY['warroom'::text, 'operator'::text]))`)
@Check("mirrored_decisions_ticker_check", `(ticker ~ '^[A-Z][A-Z0-9.-]{0,9}$'::text)`)
@Unique("mirrored_decisions_idempotency_key_key", ["idempotencyKey"])
@Unique("mirrored_decisions_warroom_session_id_key", ["warroomSessionId"])
@Index("mirrored_decisions_recent", ["createdAt"]) // the migration orders it (created_at DESC): @Index cannot say DESC
@Entity("mirrored_decisions")
export class MirroredDecisionEntity {
  @PrimaryGeneratedColumn("uuid", { primaryKeyConstraintName: "mirrored_decisions_pkey" }) id!: string;
  @Column({ type: "text" }) source!: "warroom" | "operator";
  @Column({ type: "text", name: "idempotency_key" }) idempotencyKey!: string;
  @Column({ type: "uuid", name: "warroom_session_id", nullable: true }) warroomSessionId!: string | null;
  @Column({ type: "text" }) ticker!: string;
  @Column({ type: "text" }) side!: Side;
  @Column({ type: "text", name: "requested_by" }) requestedBy!: string;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
  @ManyToOne(() => WarroomSessionEntity, { onDelete: "SET NULL", nullable: true })
  @JoinColumn({ name: "warroom_session_id", foreignKeyConstraintName: "mirrored_decisions_warroom_session_id_fkey" })
  warroomSession?: WarroomSessionEntity | null;
}
