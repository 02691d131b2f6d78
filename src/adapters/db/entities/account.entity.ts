import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { AccountMode, Broker, Phase } from "../../../domain/vocabulary.js";
import { MONEY, numeric } from "../columns.js";

/** Booked cash: whole cents. */
const CASH = { precision: 20, scale: 2 } as const;

@Entity("accounts")
export class AccountEntity {
  @PrimaryGeneratedColumn("uuid") id!: string;
  @Column({ type: "text" }) name!: string;
  @Column({ type: "text" }) mode!: AccountMode;
  @Column({ type: "text" }) broker!: Broker;
  @Column({ type: "text" }) phase!: Phase;
  @Column({ type: "text" }) currency!: string;
  /** Whole cents: cash = starting capital + the sum of the fills' net amounts, exactly. */
  @Column(numeric(CASH.precision, CASH.scale, { name: "starting_capital" })) startingCapital!: Dec;
  @Column(numeric(CASH.precision, CASH.scale)) cash!: Dec;
  @Column({ type: "timestamptz", name: "phase_started_at" }) phaseStartedAt!: Date;
  @Column(numeric(MONEY.precision, MONEY.scale, { name: "phase_start_equity" })) phaseStartEquity!: Dec;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
  @UpdateDateColumn({ type: "timestamptz", name: "updated_at" }) updatedAt!: Date;
}
