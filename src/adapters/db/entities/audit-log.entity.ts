import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { AccountEntity } from "./account.entity.js";

/** Who did what: every state-changing command lands here with its actor. */
@Index("audit_log_actor_recent", ["actor", "createdAt"]) // the migration orders it (actor, created_at DESC): @Index cannot say DESC
@Index("audit_log_recent", ["createdAt"]) // the migration orders it (created_at DESC): @Index cannot say DESC
@Entity("audit_log")
export class AuditLogEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS", primaryKeyConstraintName: "audit_log_pkey" }) id!: string;
  /** "tg:<user id>", "api", or "system". */
  @Column({ type: "text" }) actor!: string;
  @Column({ type: "text" }) action!: string;
  @Column({ type: "uuid", name: "account_id", nullable: true }) accountId!: string | null;
  @Column({ type: "text", nullable: true }) subject!: string | null;
  @Column({ type: "jsonb", default: {} }) details!: Record<string, unknown>;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
  @ManyToOne(() => AccountEntity, { onDelete: "SET NULL", nullable: true })
  @JoinColumn({ name: "account_id", foreignKeyConstraintName: "audit_log_account_id_fkey" })
  account?: AccountEntity | null;
}
