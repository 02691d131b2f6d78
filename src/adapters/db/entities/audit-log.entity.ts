import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

/** Who did what: every state-changing command lands here with its actor. */
@Entity("audit_log")
export class AuditLogEntity {
  @PrimaryGeneratedColumn({ type: "bigint" }) id!: string;
  /** "tg:<user id>", "api", or "system". */
  @Column({ type: "text" }) actor!: string;
  @Column({ type: "text" }) action!: string;
  @Column({ type: "uuid", name: "account_id", nullable: true }) accountId!: string | null;
  @Column({ type: "text", nullable: true }) subject!: string | null;
  @Column({ type: "jsonb" }) details!: Record<string, unknown>;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
}
