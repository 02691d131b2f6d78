import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { Phase } from "../../../domain/vocabulary.js";
import { AccountEntity } from "./account.entity.js";
import type { PromotionStatus } from "../../../app/ports/live-prep-store.js";

/** A promotion toward real money, waiting for a second admin (four eyes); one pending per account. */
@Check("phase_promotions_expiry", `(expires_at > requested_at)`)
@Check("phase_promotions_four_eyes", `((decided_by IS NULL) OR (status <> 'approved'::text) OR (decided_by <> requested_by))`)
@Check("phase_promotions_from_phase_check", `(from_phase = ANY (ARRAY['shadow'::text, 'live-prep'::text, 'micro'::text, 'small'::text]))`)
@Check("phase_promotions_status_check", `(status = ANY (ARRAY['pending'::text, 'approved'::text, 'denied'::text, 'expired'::text, 'cancelled'::text, 'failed'::text]))`)
@Check("phase_promotions_to_phase_check", `(to_phase = ANY (ARRAY['shadow'::text, 'live-prep'::text, 'micro'::text, 'small'::text]))`)
@Index("phase_promotions_one_pending", ["accountId"], { unique: true, where: `(status = 'pending'::text)` })
@Entity("phase_promotions")
export class PhasePromotionEntity {
  @PrimaryGeneratedColumn("uuid", { primaryKeyConstraintName: "phase_promotions_pkey" }) id!: string;
  @Column({ type: "uuid", name: "account_id" }) accountId!: string;
  @Column({ type: "text", name: "from_phase" }) fromPhase!: Phase;
  @Column({ type: "text", name: "to_phase" }) toPhase!: Phase;
  @Column({ type: "text", default: "pending" }) status!: PromotionStatus;
  @Column({ type: "text", name: "requested_by" }) requestedBy!: string;
  @Column({ type: "timestamptz", name: "requested_at" }) requestedAt!: Date;
  @Column({ type: "timestamptz", name: "expires_at" }) expiresAt!: Date;
  @Column({ type: "text", name: "decided_by", nullable: true }) decidedBy!: string | null;
  @Column({ type: "timestamptz", name: "decided_at", nullable: true }) decidedAt!: Date | null;
  @Column({ type: "jsonb", default: {} }) evidence!: Record<string, unknown>;
  @Column({ type: "uuid", name: "live_account_id", nullable: true }) liveAccountId!: string | null;
  @Column({ type: "text", default: "" }) reason!: string;
  @ManyToOne(() => AccountEntity, { onDelete: "CASCADE", nullable: false })
  @JoinColumn({ name: "account_id", foreignKeyConstraintName: "phase_promotions_account_id_fkey" })
  account?: AccountEntity;
  @ManyToOne(() => AccountEntity, { onDelete: "SET NULL", nullable: true })
  @JoinColumn({ name: "live_account_id", foreignKeyConstraintName: "phase_promotions_live_account_id_fkey" })
  liveAccount?: AccountEntity | null;
}
