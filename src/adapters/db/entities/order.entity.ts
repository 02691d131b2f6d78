import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { OrderSource, OrderStatus, OrderType, Side } from "../../../domain/vocabulary.js";
import { numeric, PRICE } from "../columns.js";

@Entity("orders")
export class OrderEntity {
  @PrimaryGeneratedColumn("uuid") id!: string;
  @Column({ type: "uuid", name: "account_id" }) accountId!: string;
  @Column({ type: "uuid", name: "proposal_id", nullable: true }) proposalId!: string | null;
  /** The same key twice gives one order (unique per account). */
  @Column({ type: "text", name: "idempotency_key" }) idempotencyKey!: string;
  @Column({ type: "text" }) source!: OrderSource;
  @Column({ type: "text" }) side!: Side;
  @Column({ type: "text" }) ticker!: string;
  @Column({ type: "integer" }) quantity!: number;
  @Column({ type: "text", name: "order_type" }) orderType!: OrderType;
  @Column(numeric(PRICE.precision, PRICE.scale, { name: "limit_price", nullable: true })) limitPrice!: Dec | null;
  @Column(numeric(PRICE.precision, PRICE.scale, { name: "stop_price", nullable: true })) stopPrice!: Dec | null;
  @Column({ type: "text" }) status!: OrderStatus;
  @Column({ type: "text", name: "status_reason", nullable: true }) statusReason!: string | null;
  @Column({ type: "text", name: "broker_order_id", nullable: true }) brokerOrderId!: string | null;
  @Column({ type: "integer", name: "filled_quantity" }) filledQuantity!: number;
  @Column(numeric(PRICE.precision, PRICE.scale, { name: "average_fill_price", nullable: true })) averageFillPrice!: Dec | null;
  @Column({ type: "text", name: "requested_by" }) requestedBy!: string;
  /** The New York trading day the order counts against (daily trade limit). */
  @Column({ type: "date", name: "trading_day" }) tradingDay!: string;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
  @UpdateDateColumn({ type: "timestamptz", name: "updated_at" }) updatedAt!: Date;
}
