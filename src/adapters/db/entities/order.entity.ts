import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import type { OrderSource, OrderStatus, OrderType, Side } from "../../../domain/vocabulary.js";
import { numeric, PRICE } from "../columns.js";
import { AccountEntity } from "./account.entity.js";
import { ProposalEntity } from "./proposal.entity.js";

@Check("orders_average_fill_price_check", `(average_fill_price > (0)::numeric)`)
@Check("orders_filled_quantity", `((filled_quantity >= 0) AND (filled_quantity <= quantity))`)
@Check("orders_idempotency_key_check", `((length(idempotency_key) >= 1) AND (length(idempotency_key) <= 128))`)
@Check("orders_limit_price", `((order_type = 'limit'::text) = (limit_price IS NOT NULL))`)
@Check("orders_limit_price_check", `(limit_price > (0)::numeric)`)
@Check("orders_order_type_check", `(order_type = ANY (ARRAY['market'::text, 'limit'::text]))`)
@Check("orders_quantity_check", `(quantity > 0)`)
@Check("orders_side_check", `(side = ANY (ARRAY['BUY'::text, 'SELL'::text]))`)
@Check("orders_source_check", `(source = ANY (ARRAY['operator'::text, 'warroom'::text, 'stop-loss'::text, 'replay'::text]))`)
@Check("orders_status_check", `(status = ANY (ARRAY['new'::text, 'submitted'::text, 'partially_filled'::text, 'filled'::text, 'cancelled'::text, 'rejected'::text, 'failed'::text, 'unknown'::text]))`)
@Check("orders_stop_price_check", `(stop_price > (0)::numeric)`)
@Check("orders_ticker_check", `(ticker ~ '^[A-Z][A-Z0-9.-]{0,9}$'::text)`)
@Unique("orders_account_id_idempotency_key_key", ["accountId", "idempotencyKey"])
@Unique("orders_proposal_id_key", ["proposalId"])
@Index("orders_account_day", ["accountId", "tradingDay"])
@Index("orders_open", ["accountId", "status"], { where: `(status = ANY (ARRAY['new'::text, 'submitted'::text, 'partially_filled'::text, 'unknown'::text]))` })
@Entity("orders")
export class OrderEntity {
  @PrimaryGeneratedColumn("uuid", { primaryKeyConstraintName: "orders_pkey" }) id!: string;
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
  @Column({ type: "text", default: "new" }) status!: OrderStatus;
  @Column({ type: "text", name: "status_reason", nullable: true }) statusReason!: string | null;
  @Column({ type: "text", name: "broker_order_id", nullable: true }) brokerOrderId!: string | null;
  @Column({ type: "integer", name: "filled_quantity", default: 0 }) filledQuantity!: number;
  @Column(numeric(PRICE.precision, PRICE.scale, { name: "average_fill_price", nullable: true })) averageFillPrice!: Dec | null;
  @Column({ type: "text", name: "requested_by" }) requestedBy!: string;
  /** The New York trading day the order counts against (daily trade limit). */
  @Column({ type: "date", name: "trading_day" }) tradingDay!: string;
  @CreateDateColumn({ type: "timestamptz", name: "created_at" }) createdAt!: Date;
  @UpdateDateColumn({ type: "timestamptz", name: "updated_at" }) updatedAt!: Date;
  @ManyToOne(() => AccountEntity, { onDelete: "CASCADE", nullable: false })
  @JoinColumn({ name: "account_id", foreignKeyConstraintName: "orders_account_id_fkey" })
  account?: AccountEntity;
  @ManyToOne(() => ProposalEntity, { onDelete: "SET NULL", nullable: true })
  @JoinColumn({ name: "proposal_id", foreignKeyConstraintName: "orders_proposal_id_fkey" })
  proposal?: ProposalEntity | null;
}
