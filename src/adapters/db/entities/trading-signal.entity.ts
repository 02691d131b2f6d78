import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { Signal } from "../../../domain/vocabulary.js";
import { numeric, PRICE } from "../columns.js";

@Entity("trading_signals")
export class TradingSignalEntity {
  @PrimaryGeneratedColumn({ type: "bigint" }) id!: string;
  @Column({ type: "text" }) ticker!: string;
  @Column({ type: "text" }) signal!: Signal;
  @Column(numeric(5, 4)) confidence!: Dec;
  @Column({ type: "text" }) source!: string;
  @Column({ type: "text" }) rationale!: string;
  @Column(numeric(PRICE.precision, PRICE.scale, { nullable: true })) price!: Dec | null;
  @Column({ type: "boolean", name: "alert_sent" }) alertSent!: boolean;
  @Column({ type: "uuid", name: "warroom_session_id", nullable: true }) warroomSessionId!: string | null;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
}
