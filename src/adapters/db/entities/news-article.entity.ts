import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import { numeric } from "../columns.js";

@Check("news_articles_content_hash_check", `(content_hash ~ '^[0-9a-f]{64}$'::text)`)
@Check("news_articles_sentiment_check", `((sentiment >= ('-1'::integer)::numeric) AND (sentiment <= (1)::numeric))`)
@Unique("news_articles_content_hash_key", ["contentHash"])
@Index("news_articles_processed", ["processedAt"], { where: `(processed_at IS NOT NULL)` }) // the migration orders it (processed_at DESC): @Index cannot say DESC
@Entity("news_articles")
export class NewsArticleEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", generatedIdentity: "ALWAYS", primaryKeyConstraintName: "news_articles_pkey" }) id!: string;
  /** sha256 of the normalised title and URL: the de-duplication key. */
  @Column({ type: "text", name: "content_hash", collation: "C" }) contentHash!: string;
  @Column({ type: "text" }) title!: string;
  @Column({ type: "text" }) url!: string;
  @Column({ type: "text", default: "" }) source!: string;
  @Column({ type: "text", nullable: true }) summary!: string | null;
  @Column({ type: "text", array: true, default: [] }) tickers!: string[];
  @Column({ type: "timestamptz", name: "published_at" }) publishedAt!: Date;
  @Column({ type: "timestamptz", name: "fetched_at", default: () => "now()" }) fetchedAt!: Date;
  @Column({ type: "timestamptz", name: "processed_at", nullable: true }) processedAt!: Date | null;
  @Column(numeric(6, 4, { nullable: true })) sentiment!: Dec | null;
}
