import { Column, Entity, PrimaryColumn } from "typeorm";

@Entity("desk_probes")
export class DeskProbeEntity {
  @PrimaryColumn({ type: "text", primaryKeyConstraintName: "desk_probes_pkey" }) process!: string;
  @Column({ type: "timestamptz", name: "seen_at" }) seenAt!: Date;
}
