import { Check, Column, Entity, PrimaryColumn } from "typeorm";
import type { FeedState } from "../../../domain/feed-health.js";

/** Each market feed's last report (one row per feed), for /health and the feed metrics. */
@Check("market_feeds_state_check", `(state = ANY (ARRAY['connecting'::text, 'live'::text, 'down'::text]))`)
@Entity("market_feeds")
export class MarketFeedEntity {
  @PrimaryColumn({ type: "text", primaryKeyConstraintName: "market_feeds_pkey" }) name!: string;
  @Column({ type: "text" }) state!: FeedState;
  @Column({ type: "text", default: "" }) reason!: string;
  @Column({ type: "timestamptz" }) since!: Date;
  @Column({ type: "integer", default: 0 }) followed!: number;
  @Column({ type: "jsonb", default: {} }) refused!: Record<string, string>;
  @Column({ type: "timestamptz", name: "last_tick_at", nullable: true }) lastTickAt!: Date | null;
  @Column({ type: "text", name: "last_tick_ticker", nullable: true }) lastTickTicker!: string | null;
  @Column({ type: "bigint", default: 0 }) ticks!: string;
  @Column({ type: "timestamptz", name: "reported_at" }) reportedAt!: Date;
}
