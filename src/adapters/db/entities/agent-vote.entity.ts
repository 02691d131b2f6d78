import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { Vote } from "../../../domain/vocabulary.js";
import { numeric } from "../columns.js";

@Entity("agent_votes")
export class AgentVoteEntity {
  @PrimaryGeneratedColumn({ type: "bigint" }) id!: string;
  @Column({ type: "uuid", name: "session_id" }) sessionId!: string;
  @Column({ type: "text" }) agent!: string;
  @Column({ type: "text" }) vote!: Vote;
  @Column(numeric(5, 4)) confidence!: Dec;
  @Column(numeric(8, 4)) weight!: Dec;
  @Column({ type: "boolean" }) veto!: boolean;
  @Column({ type: "text" }) rationale!: string;
  @Column({ type: "jsonb" }) details!: Record<string, unknown>;
  @Column({ type: "integer", name: "latency_ms" }) latencyMs!: number;
  @Column({ type: "timestamptz", name: "scored_at", nullable: true }) scoredAt!: Date | null;
  @Column(numeric(12, 6, { name: "realized_move_pct", nullable: true })) realizedMovePct!: Dec | null;
  @Column({ type: "boolean", nullable: true }) correct!: boolean | null;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
}
