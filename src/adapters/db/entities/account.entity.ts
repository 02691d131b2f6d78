import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { AccountMode, Broker, Phase } from "../../../domain/vocabulary.js";
import { MONEY, numeric } from "../columns.js";

@Check("accounts_broker_account_check", `((broker_account IS NULL) OR ((length(broker_account) >= 1) AND (length(broker_account) <= 32)))`)
@Check("accounts_broker_check", `(broker = ANY (ARRAY['paper'::text, 'kis'::text]))`)
@Check("accounts_cash_check", `(cash >= (0)::numeric)`)
@Check("accounts_currency_check", `(currency ~ '^[A-Z]{3}$'::text)`)
@Check("accounts_mode_broker", `(((mode = 'shadow'::text) AND (broker = 'paper'::text)) OR ((mode = 'live'::text) AND (broker = 'kis'::text)))`)
@Check("accounts_mode_check", `(mode = ANY (ARRAY['shadow'::text, 'live'::text]))`)
@Check("accounts_name_check", `((length(name) >= 1) AND (length(name) <= 64))`)
@Check("accounts_phase_check", `(phase = ANY (ARRAY['shadow'::text, 'live-prep'::text, 'micro'::text, 'small'::text]))`)
@Check("accounts_phase_start_equity_check", `(phase_start_equity >= (0)::numeric)`)
@Check("accounts_starting_capital_check", `(starting_capital >= (0)::numeric)`)
@Unique("accounts_name_key", ["name"])
@Index("accounts_one_live_per_broker", ["broker"], { unique: true, where: `(mode = 'live'::text)` })
@Entity("accounts")
export class AccountEntity {
  @PrimaryGeneratedColumn("uuid", { primaryKeyConstraintName: "accounts_pkey" }) id!: string;
  @Column({ type: "text" }) name!: string;
  @Column({ type: "text" }) mode!: AccountMode;
  @Column({ type: "text" }) broker!: Broker;
  @Column({ type: "text" }) phase!: Phase;
  @Column({ type: "text", default: "USD" }) currency!: string;
  /** Whole cents: cash = starting capital + the sum of the fills' net amounts, exactly. */
  @Column(numeric(20, 2, { name: "starting_capital" })) startingCapital!: Dec;
  @Column(numeric(20, 2)) cash!: Dec;
  @Column({ type: "timestamptz", name: "phase_started_at", default: () => "now()" }) phaseStartedAt!: Date;
  @Column(numeric(MONEY.precision, MONEY.scale, { name: "phase_start_equity" })) phaseStartEquity!: Dec;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
  @UpdateDateColumn({ type: "timestamptz", name: "updated_at" }) updatedAt!: Date;
  @Column({ type: "text", name: "broker_account", nullable: true }) brokerAccount!: string | null;
  @Column({ type: "uuid", name: "opened_from", nullable: true }) openedFrom!: string | null;
  @ManyToOne(() => AccountEntity, { onDelete: "SET NULL", nullable: true })
  @JoinColumn({ name: "opened_from", foreignKeyConstraintName: "accounts_opened_from_fkey" })
  openedFromAccount?: AccountEntity | null;
}
