import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from "typeorm";
import type { Role } from "../../../domain/vocabulary.js";
import { AccountEntity } from "./account.entity.js";

@Check("operators_role_check", `(role = ANY (ARRAY['viewer'::text, 'trader'::text, 'admin'::text]))`)
@Check("operators_telegram_user_id_check", `(telegram_user_id > 0)`)
@Entity("operators")
export class OperatorEntity {
  /** Telegram user id; int8 comes back from pg as a string. */
  @PrimaryColumn({ type: "bigint", name: "telegram_user_id", primaryKeyConstraintName: "operators_pkey" }) telegramUserId!: string;
  @Column({ type: "text", name: "display_name", default: "" }) displayName!: string;
  @Column({ type: "text" }) role!: Role;
  @Column({ type: "boolean", default: true }) active!: boolean;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
  @UpdateDateColumn({ type: "timestamptz", name: "updated_at" }) updatedAt!: Date;
  @Column({ type: "uuid", name: "default_account_id", nullable: true }) defaultAccountId!: string | null;
  @ManyToOne(() => AccountEntity, { onDelete: "SET NULL", nullable: true })
  @JoinColumn({ name: "default_account_id", foreignKeyConstraintName: "operators_default_account_id_fkey" })
  defaultAccount?: AccountEntity | null;
}
