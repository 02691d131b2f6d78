import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { Vote } from "../../../domain/vocabulary.js";
import { numeric } from "../columns.js";
import { WarroomSessionEntity } from "./warroom-session.entity.js";

@Check("agent_votes_confidence_check", `((confidence >= (0)::numeric) AND (confidence <= (1)::numeric))`)
@Check("agent_votes_latency_ms_check", `(latency_ms >= 0)`)
@Check("agent_votes_vote_check", `(vote = ANY (ARRAY['BUY'::text, 'SELL'::text, 'HOLD'::text, 'ABSTAIN'::text]))`)
@Check("agent_votes_weight_check", `(weight >= (0)::numeric)`)
@Index("agent_votes_agent_recent", ["agent", "createdAt"]) // the migration orders it (agent, created_at DESC): @Index cannot say DESC
@Index("agent_votes_session", ["sessionId"])
@Index("agent_votes_unscored", ["createdAt"], { where: `(scored_at IS NULL)` })
@Entity("agent_votes")
export class AgentVoteEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS", primaryKeyConstraintName: "agent_votes_pkey" }) id!: string;
  @Column({ type: "uuid", name: "session_id" }) sessionId!: string;
  @Column({ type: "text" }) agent!: string;
  @Column({ type: "text" }) vote!: Vote;
  @Column(numeric(5, 4)) confidence!: Dec;
  @Column(numeric(8, 4, { default: 1 })) weight!: Dec;
  @Column({ type: "boolean", default: false }) veto!: boolean;
  @Column({ type: "text", default: "" }) rationale!: string;
  @Column({ type: "jsonb", default: {} }) details!: Record<string, unknown>;
  @Column({ type: "integer", name: "latency_ms", default: 0 }) latencyMs!: number;
  @Column({ type: "timestamptz", name: "scored_at", nullable: true }) scoredAt!: Date | null;
  @Column(numeric(12, 6, { name: "realized_move_pct", nullable: true })) realizedMovePct!: Dec | null;
  @Column({ type: "boolean", nullable: true }) correct!: boolean | null;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
  @ManyToOne(() => WarroomSessionEntity, { onDelete: "CASCADE", nullable: false })
  @JoinColumn({ name: "session_id", foreignKeyConstraintName: "agent_votes_session_id_fkey" })
  session?: WarroomSessionEntity;
}
