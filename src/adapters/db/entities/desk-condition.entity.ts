import { Column, Entity, PrimaryColumn } from "typeorm";

@Entity("desk_conditions")
export class DeskConditionEntity {
  @PrimaryColumn({ type: "text", primaryKeyConstraintName: "desk_conditions_pkey" }) name!: string;
  @Column({ type: "boolean" }) failing!: boolean;
  @Column({ type: "text", default: "" }) detail!: string;
  @Column({ type: "timestamptz", name: "changed_at" }) changedAt!: Date;
}
