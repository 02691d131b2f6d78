import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from "typeorm";
import type { Role } from "../../../domain/vocabulary.js";

@Entity("operators")
export class OperatorEntity {
  /** Telegram user id; int8 comes back from pg as a string. */
  @PrimaryColumn({ type: "bigint", name: "telegram_user_id" }) telegramUserId!: string;
  @Column({ type: "text", name: "display_name" }) displayName!: string;
  @Column({ type: "text" }) role!: Role;
  @Column({ type: "boolean" }) active!: boolean;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
  @UpdateDateColumn({ type: "timestamptz", name: "updated_at" }) updatedAt!: Date;
}
