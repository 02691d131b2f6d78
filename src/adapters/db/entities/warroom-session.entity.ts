import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { Signal } from "../../../domain/vocabulary.js";
import { numeric, PRICE } from "../columns.js";

@Entity("warroom_sessions")
export class WarroomSessionEntity {
  @PrimaryGeneratedColumn("uuid") id!: string;
  @Column({ type: "uuid", name: "account_id", nullable: true }) accountId!: string | null;
  @Column({ type: "text" }) ticker!: string;
  @Column({ type: "text", name: "requested_by" }) requestedBy!: string;
  @Column({ type: "text" }) decision!: Signal;
  @Column(numeric(5, 4)) confidence!: Dec;
  @Column({ type: "integer", nullable: true }) quantity!: number | null;
  @Column(numeric(PRICE.precision, PRICE.scale, { name: "stop_price", nullable: true })) stopPrice!: Dec | null;
  @Column({ type: "boolean" }) vetoed!: boolean;
  @Column({ type: "text" }) rationale!: string;
  @Column({ type: "integer", name: "duration_ms" }) durationMs!: number;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
}
