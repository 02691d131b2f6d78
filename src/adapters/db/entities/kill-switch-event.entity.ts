import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { KillSwitchEvent, KillSwitchState, Trigger } from "../../../domain/vocabulary.js";

/** Append-only history of every kill-switch transition and attempt. */
@Entity("kill_switch_events")
export class KillSwitchEventEntity {
  @PrimaryGeneratedColumn({ type: "bigint" }) id!: string;
  @Column({ type: "uuid", name: "account_id" }) accountId!: string;
  @Column({ type: "text" }) event!: KillSwitchEvent;
  @Column({ type: "text", name: "from_state", nullable: true }) fromState!: KillSwitchState | null;
  @Column({ type: "text", name: "to_state", nullable: true }) toState!: KillSwitchState | null;
  @Column({ type: "text", nullable: true }) trigger!: Trigger | null;
  @Column({ type: "text" }) reason!: string;
  @Column({ type: "jsonb" }) details!: Record<string, unknown>;
  @Column({ type: "text" }) actor!: string;
  @Column({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
}
