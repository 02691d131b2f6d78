import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { KillSwitchState, Trigger } from "../../../domain/vocabulary.js";
import { MONEY, numeric } from "../columns.js";
import { AccountEntity } from "./account.entity.js";

/** One row per account; the execution guard locks it (SELECT ... FOR UPDATE) around each order insert. */
@Check("kill_switch_states_consecutive_api_errors_check", `(consecutive_api_errors >= 0)`)
@Check("kill_switch_states_failed_resume_attempts_check", `(failed_resume_attempts >= 0)`)
@Check("kill_switch_states_state_check", `(state = ANY (ARRAY['ACTIVE'::text, 'HALTED'::text]))`)
@Check("kill_switch_states_trigger_check", `(trigger = ANY (ARRAY['daily_loss'::text, 'max_drawdown'::text, 'api_error'::text, 'position_concentration'::text, 'stale_data'::text, 'manual'::text, 'daily_trade_limit'::text, 'phase_loss'::text]))`)
@Entity("kill_switch_states")
export class KillSwitchStateEntity {
  @PrimaryColumn({ type: "uuid", name: "account_id", primaryKeyConstraintName: "kill_switch_states_pkey" }) accountId!: string;
  @Column({ type: "text", default: "HALTED" }) state!: KillSwitchState;
  @Column({ type: "text", nullable: true }) trigger!: Trigger | null;
  @Column({ type: "text", default: "new account: not yet armed" }) reason!: string;
  @Column({ type: "jsonb", default: {} }) details!: Record<string, unknown>;
  @Column({ type: "text", default: "system" }) actor!: string;
  @Column({ type: "timestamptz", name: "changed_at", default: () => "now()" }) changedAt!: Date;
  @Column({ type: "integer", name: "consecutive_api_errors", default: 0 }) consecutiveApiErrors!: number;
  @Column({ type: "integer", name: "failed_resume_attempts", default: 0 }) failedResumeAttempts!: number;
  @Column({ type: "timestamptz", name: "resume_locked_until", nullable: true }) resumeLockedUntil!: Date | null;
  /** trigger -> trading day (YYYY-MM-DD) until which an acknowledged trigger is suppressed. */
  @Column({ type: "jsonb", name: "suppressed_triggers", default: {} }) suppressedTriggers!: Partial<Record<Trigger, string>>;
  @Column({ type: "jsonb", name: "last_readings", default: {} }) lastReadings!: Record<string, unknown>;
  @Column({ type: "timestamptz", name: "last_checked_at", nullable: true }) lastCheckedAt!: Date | null;
  @Column(numeric(MONEY.precision, MONEY.scale, { name: "peak_equity", nullable: true })) peakEquity!: Dec | null;
  @ManyToOne(() => AccountEntity, { onDelete: "CASCADE", nullable: false })
  @JoinColumn({ name: "account_id", foreignKeyConstraintName: "kill_switch_states_account_id_fkey" })
  account?: AccountEntity;
}
