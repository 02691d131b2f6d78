import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { SnapshotKind } from "../../../domain/vocabulary.js";
import { MONEY, numeric } from "../columns.js";

@Entity("equity_snapshots")
export class EquitySnapshotEntity {
  @PrimaryGeneratedColumn({ type: "bigint" }) id!: string;
  @Column({ type: "uuid", name: "account_id" }) accountId!: string;
  @Column({ type: "text" }) kind!: SnapshotKind;
  @Column({ type: "date", name: "trading_day" }) tradingDay!: string;
  @Column(numeric(MONEY.precision, MONEY.scale)) equity!: Dec;
  @Column(numeric(MONEY.precision, MONEY.scale)) cash!: Dec;
  @Column(numeric(MONEY.precision, MONEY.scale, { name: "positions_value" })) positionsValue!: Dec;
  @Column({ type: "timestamptz", name: "taken_at" }) takenAt!: Date;
}
