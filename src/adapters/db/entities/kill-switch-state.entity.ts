import { Column, Entity, PrimaryColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { KillSwitchState, Trigger } from "../../../domain/vocabulary.js";
import { MONEY, numeric } from "../columns.js";

/** One row per account; the execution guard locks it (SELECT ... FOR UPDATE) around each order insert. */
@Entity("kill_switch_states")
export class KillSwitchStateEntity {
  @PrimaryColumn({ type: "uuid", name: "account_id" }) accountId!: string;
  @Column({ type: "text" }) state!: KillSwitchState;
  @Column({ type: "text", nullable: true }) trigger!: Trigger | null;
  @Column({ type: "text" }) reason!: string;
  @Column({ type: "jsonb" }) details!: Record<string, unknown>;
  @Column({ type: "text" }) actor!: string;
  @Column({ type: "timestamptz", name: "changed_at" }) changedAt!: Date;
  @Column({ type: "integer", name: "consecutive_api_errors" }) consecutiveApiErrors!: number;
  @Column({ type: "integer", name: "failed_resume_attempts" }) failedResumeAttempts!: number;
  @Column({ type: "timestamptz", name: "resume_locked_until", nullable: true }) resumeLockedUntil!: Date | null;
  /** trigger -> trading day (YYYY-MM-DD) until which an acknowledged trigger is suppressed. */
  @Column({ type: "jsonb", name: "suppressed_triggers" }) suppressedTriggers!: Partial<Record<Trigger, string>>;
  @Column({ type: "jsonb", name: "last_readings" }) lastReadings!: Record<string, unknown>;
  @Column({ type: "timestamptz", name: "last_checked_at", nullable: true }) lastCheckedAt!: Date | null;
  @Column(numeric(MONEY.precision, MONEY.scale, { name: "peak_equity", nullable: true })) peakEquity!: Dec | null;
}
