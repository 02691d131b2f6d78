import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from "typeorm";

/** One override-code attempt counter for the whole desk (a single row, id 1) and the lock it arms. */
@Check("override_code_guard_attempts_check", `(attempts >= 0)`)
@Check("override_code_guard_id_check", `(id = 1)`)
@Entity("override_code_guard")
export class OverrideCodeGuardEntity {
  @PrimaryColumn({ type: "smallint", default: 1, primaryKeyConstraintName: "override_code_guard_pkey" }) id!: number;
  @Column({ type: "integer", default: 0 }) attempts!: number;
  @Column({ type: "timestamptz", name: "locked_until", nullable: true }) lockedUntil!: Date | null;
  @Column({ type: "timestamptz", name: "last_wrong_at", nullable: true }) lastWrongAt!: Date | null;
  @Column({ type: "text", name: "last_wrong_by", nullable: true }) lastWrongBy!: string | null;
  @UpdateDateColumn({ type: "timestamptz", name: "updated_at" }) updatedAt!: Date;
}
