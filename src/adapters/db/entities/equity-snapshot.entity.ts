import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { SnapshotKind } from "../../../domain/vocabulary.js";
import { MONEY, numeric } from "../columns.js";
import { AccountEntity } from "./account.entity.js";

@Check("equity_snapshots_kind_check", `(kind = ANY (ARRAY['start_of_day'::text, 'end_of_day'::text, 'intraday'::text]))`)
@Index("equity_snapshots_account_recent", ["accountId", "takenAt"]) // the migration orders it (account_id, taken_at DESC): @Index cannot say DESC
@Index("equity_snapshots_daily", ["accountId", "tradingDay", "kind"], { unique: true, where: `(kind <> 'intraday'::text)` })
@Entity("equity_snapshots")
export class EquitySnapshotEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS", primaryKeyConstraintName: "equity_snapshots_pkey" }) id!: string;
  @Column({ type: "uuid", name: "account_id" }) accountId!: string;
  @Column({ type: "text" }) kind!: SnapshotKind;
  @Column({ type: "date", name: "trading_day" }) tradingDay!: string;
  @Column(numeric(MONEY.precision, MONEY.scale)) equity!: Dec;
  @Column(numeric(MONEY.precision, MONEY.scale)) cash!: Dec;
  @Column(numeric(MONEY.precision, MONEY.scale, { name: "positions_value" })) positionsValue!: Dec;
  @Column({ type: "timestamptz", name: "taken_at", default: () => "now()" }) takenAt!: Date;
  @ManyToOne(() => AccountEntity, { onDelete: "CASCADE", nullable: false })
  @JoinColumn({ name: "account_id", foreignKeyConstraintName: "equity_snapshots_account_id_fkey" })
  account?: AccountEntity;
}
