import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { KillSwitchEvent, KillSwitchState, Trigger } from "../../../domain/vocabulary.js";
import { AccountEntity } from "./account.entity.js";

/** Append-only history of every kill-switch transition and attempt. */
@Check("kill_switch_events_event_check", `(event = ANY (ARRAY['halted'::text, 'resumed'::text, 'trigger_fired'::text, 'trigger_acknowledged'::text, 'resume_refused'::text, 'resume_locked'::text]))`)
@Check("kill_switch_events_from_state_check", `(from_state = ANY (ARRAY['ACTIVE'::text, 'HALTED'::text]))`)
@Check("kill_switch_events_to_state_check", `(to_state = ANY (ARRAY['ACTIVE'::text, 'HALTED'::text]))`)
@Check("kill_switch_events_trigger_check", `(trigger = ANY (ARRAY['daily_loss'::text, 'max_drawdown'::text, 'api_error'::text, 'position_concentration'::text, 'stale_data'::text, 'manual'::text, 'daily_trade_limit'::text, 'phase_loss'::text]))`)
@Index("kill_switch_events_account_recent", ["accountId", "createdAt"]) // the migration orders it (account_id, created_at DESC): @Index cannot say DESC
@Entity("kill_switch_events")
export class KillSwitchEventEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS", primaryKeyConstraintName: "kill_switch_events_pkey" }) id!: string;
  @Column({ type: "uuid", name: "account_id" }) accountId!: string;
  @Column({ type: "text" }) event!: KillSwitchEvent;
  @Column({ type: "text", name: "from_state", nullable: true }) fromState!: KillSwitchState | null;
  @Column({ type: "text", name: "to_state", nullable: true }) toState!: KillSwitchState | null;
  @Column({ type: "text", nullable: true }) trigger!: Trigger | null;
  @Column({ type: "text", default: "" }) reason!: string;
  @Column({ type: "jsonb", default: {} }) details!: Record<string, unknown>;
  @Column({ type: "text" }) actor!: string;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
  @ManyToOne(() => AccountEntity, { onDelete: "CASCADE", nullable: false })
  @JoinColumn({ name: "account_id", foreignKeyConstraintName: "kill_switch_events_account_id_fkey" })
  account?: AccountEntity;
}
