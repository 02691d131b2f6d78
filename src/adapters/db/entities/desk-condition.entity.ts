import { Column, Entity, PrimaryColumn } from "typeorm";

/** Each watched condition's last known state; flipped conditionally so one process alerts per change. */
@Entity("desk_conditions")
export class DeskConditionEntity {
  @PrimaryColumn({ type: "text", primaryKeyConstraintName: "desk_conditions_pkey" }) name!: string;
  @Column({ type: "boolean" }) failing!: boolean;
  @Column({ type: "text", default: "" }) detail!: string;
  @Column({ type: "timestamptz", name: "changed_at" }) changedAt!: Date;
}
