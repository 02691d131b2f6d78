import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { Signal } from "../../../domain/vocabulary.js";
import { numeric, PRICE } from "../columns.js";
import { WarroomSessionEntity } from "./warroom-session.entity.js";

@Check("trading_signals_confidence_check", `((confidence >= (0)::numeric) AND (confidence <= (1)::numeric))`)
@Check("trading_signals_price_check", `(price > (0)::numeric)`)
@Check("trading_signals_signal_check", `(signal = ANY (ARRAY['BUY'::text, 'SELL'::text, 'HOLD'::text]))`)
@Check("trading_signals_ticker_check", `(ticker ~ '^[A-Z][A-Z0-9.-]{0,9}$'::text)`)
@Index("trading_signals_pending_alerts", ["ticker", "confidence"], { where: `(alert_sent = false)` })
@Index("trading_signals_ticker_recent", ["ticker", "createdAt"]) // the migration orders it (ticker, created_at DESC): @Index cannot say DESC
@Entity("trading_signals")
export class TradingSignalEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS", primaryKeyConstraintName: "trading_signals_pkey" }) id!: string;
  @Column({ type: "text" }) ticker!: string;
  @Column({ type: "text" }) signal!: Signal;
  @Column(numeric(5, 4)) confidence!: Dec;
  @Column({ type: "text" }) source!: string;
  @Column({ type: "text", default: "" }) rationale!: string;
  @Column(numeric(PRICE.precision, PRICE.scale, { nullable: true })) price!: Dec | null;
  @Column({ type: "boolean", name: "alert_sent", default: false }) alertSent!: boolean;
  @Column({ type: "uuid", name: "warroom_session_id", nullable: true }) warroomSessionId!: string | null;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
  @ManyToOne(() => WarroomSessionEntity, { onDelete: "SET NULL", nullable: true })
  @JoinColumn({ name: "warroom_session_id", foreignKeyConstraintName: "trading_signals_warroom_session_id_fkey" })
  warroomSession?: WarroomSessionEntity | null;
}
