import { Column, Entity, PrimaryColumn } from "typeorm";

/** Each process's last successful small write, the kind a halt is (a full disk or read-only database fails it). */
@Entity("desk_probes")
export class DeskProbeEntity {
  @PrimaryColumn({ type: "text", primaryKeyConstraintName: "desk_probes_pkey" }) process!: string;
  @Column({ type: "timestamptz", name: "seen_at" }) seenAt!: Date;
}
