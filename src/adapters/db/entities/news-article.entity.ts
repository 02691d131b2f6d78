import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { Dec } from "../../../domain/decimal.js";
import { numeric } from "../columns.js";

@Entity("news_articles")
export class NewsArticleEntity {
  @PrimaryGeneratedColumn({ type: "bigint" }) id!: string;
  /** sha256 of the normalised title and URL: the de-duplication key. */
  @Column({ type: "text", name: "content_hash" }) contentHash!: string;
  @Column({ type: "text" }) title!: string;
  @Column({ type: "text" }) url!: string;
  @Column({ type: "text" }) source!: string;
  @Column({ type: "text", nullable: true }) summary!: string | null;
  @Column({ type: "text", array: true }) tickers!: string[];
  @Column({ type: "timestamptz", name: "published_at" }) publishedAt!: Date;
  @Column({ type: "timestamptz", name: "fetched_at" }) fetchedAt!: Date;
  @Column({ type: "timestamptz", name: "processed_at", nullable: true }) processedAt!: Date | null;
  @Column(numeric(6, 4, { nullable: true })) sentiment!: Dec | null;
}
