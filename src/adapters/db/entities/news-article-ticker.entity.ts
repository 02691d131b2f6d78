import { Column, Entity, PrimaryColumn } from "typeorm";

/** One row per (article, ticker): the index behind "recent news for a ticker". */
@Entity("news_article_tickers")
export class NewsArticleTickerEntity {
  @PrimaryColumn({ type: "bigint", name: "article_id" }) articleId!: string;
  @PrimaryColumn({ type: "text" }) ticker!: string;
  @Column({ type: "timestamptz", name: "published_at" }) publishedAt!: Date;
}
