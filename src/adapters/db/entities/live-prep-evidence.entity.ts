import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import type { EvidenceKind } from "../../../domain/live-prep-checklist.js";

/** The live-prep checklist's evidence not on record elsewhere: broker checks and alert deliveries. */
@Check("live_prep_evidence_kind_check", `(kind = ANY (ARRAY['broker_check'::text, 'broker_reconciled'::text, 'alert_delivery'::text]))`)
@Check("live_prep_evidence_subject_check", `(length(subject) <= 64)`)
@Check("live_prep_evidence_summary_check", `(length(summary) <= 500)`)
@Index("live_prep_evidence_recent", ["kind", "createdAt"]) // the migration orders it (kind, created_at DESC): @Index cannot say DESC
@Entity("live_prep_evidence")
export class LivePrepEvidenceEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS", primaryKeyConstraintName: "live_prep_evidence_pkey" }) id!: string;
  @Column({ type: "text" }) kind!: EvidenceKind;
  @Column({ type: "boolean" }) passed!: boolean;
  @Column({ type: "text", default: "" }) subject!: string;
  @Column({ type: "text", default: "" }) summary!: string;
  @Column({ type: "jsonb", default: {} }) details!: Record<string, unknown>;
  @Column({ type: "text" }) actor!: string;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
}
