import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * One row per (article, ticker): the index behind "recent news for a ticker". The table has no
 * primary key and no foreign key on purpose (migration 1763935200000): its one unique index is
 * its key. TypeORM requires primary columns, so the entity names (article_id, ticker), which
 * that index makes unique; the schema-drift test lists the primary key TypeORM would add.
 */
@Index("news_article_tickers_recent", ["ticker", "publishedAt", "articleId"], { unique: true }) // the migration orders it (ticker, published_at DESC, article_id DESC): @Index cannot say DESC
@Entity("news_article_tickers")
export class NewsArticleTickerEntity {
  @PrimaryColumn({ type: "bigint", name: "article_id" }) articleId!: string;
  @PrimaryColumn({ type: "text", collation: "C" }) ticker!: string;
  @Column({ type: "timestamptz", name: "published_at" }) publishedAt!: Date;
}
