import { Column, Entity, PrimaryColumn } from "typeorm";

/** When each job last completed (the watchdog reads it; the worker that ran the job writes it). */
@Entity("job_heartbeats")
export class JobHeartbeatEntity {
  @PrimaryColumn({ type: "text", primaryKeyConstraintName: "job_heartbeats_pkey" }) job!: string;
  @Column({ type: "timestamptz", name: "last_ok_at" }) lastOkAt!: Date;
  @Column({ type: "bigint", default: 1 }) runs!: string;
}
