import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique } from "typeorm";
import { AccountEntity } from "./account.entity.js";
import { MirroredDecisionEntity } from "./mirrored-decision.entity.js";
import { OrderEntity } from "./order.entity.js";
import { ProposalEntity } from "./proposal.entity.js";
import type { MirrorOutcome } from "../../../domain/tracking.js";

/** One account's side of a mirrored decision: what it was sized to and what became of it. */
@Check("mirror_legs_outcome_check", `(outcome = ANY (ARRAY['proposed'::text, 'executed'::text, 'refused'::text, 'not_sized'::text, 'failed'::text]))`)
@Check("mirror_legs_quantity_check", `(quantity > 0)`)
@Check("mirror_legs_reason_check", `(length(reason) <= 500)`)
@Unique("mirror_legs_order_id_key", ["orderId"])
@Unique("mirror_legs_proposal_id_key", ["proposalId"])
@Entity("mirror_legs")
export class MirrorLegEntity {
  @PrimaryColumn({ type: "uuid", name: "mirror_id", primaryKeyConstraintName: "mirror_legs_pkey" }) mirrorId!: string;
  @PrimaryColumn({ type: "uuid", name: "account_id", primaryKeyConstraintName: "mirror_legs_pkey" }) accountId!: string;
  @Column({ type: "integer", nullable: true }) quantity!: number | null;
  @Column({ type: "uuid", name: "proposal_id", nullable: true }) proposalId!: string | null;
  @Column({ type: "uuid", name: "order_id", nullable: true }) orderId!: string | null;
  @Column({ type: "text" }) outcome!: MirrorOutcome;
  @Column({ type: "text", default: "" }) reason!: string;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
  @ManyToOne(() => AccountEntity, { onDelete: "CASCADE", nullable: false })
  @JoinColumn({ name: "account_id", foreignKeyConstraintName: "mirror_legs_account_id_fkey" })
  account?: AccountEntity;
  @ManyToOne(() => MirroredDecisionEntity, { onDelete: "CASCADE", nullable: false })
  @JoinColumn({ name: "mirror_id", foreignKeyConstraintName: "mirror_legs_mirror_id_fkey" })
  mirror?: MirroredDecisionEntity;
  @ManyToOne(() => OrderEntity, { onDelete: "SET NULL", nullable: true })
  @JoinColumn({ name: "order_id", foreignKeyConstraintName: "mirror_legs_order_id_fkey" })
  order?: OrderEntity | null;
  @ManyToOne(() => ProposalEntity, { onDelete: "SET NULL", nullable: true })
  @JoinColumn({ name: "proposal_id", foreignKeyConstraintName: "mirror_legs_proposal_id_fkey" })
  proposal?: ProposalEntity | null;
}
