import type { DataSource } from "typeorm";
import { NewsRepository } from "../../src/adapters/db/repositories/news-repository.js";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { SignalRepository } from "../../src/adapters/db/repositories/signal-repository.js";
import { Dec } from "../../src/domain/decimal.js";
import { flatBar } from "./desk.js";

const DAY = 86_400_000;

/**
 * 120 daily closes in a steady, not overbought uptrend (two steps of $1 up, one of $0.60 back)
 * from `from` (about $56 higher at the end), then a quote 30 s before `now`. Returns that quote.
 */
export async function seedUptrend(dataSource: DataSource, ticker: string, options: { from: string; now: Date }): Promise<Dec> {
  const bars = [];
  let close = new Dec(options.from);
  for (let i = 120; i >= 1; i -= 1) {
    close = close.plus(i % 3 === 0 ? "-0.6" : "1.0");
    bars.push(flatBar(ticker, close.toFixed(2), new Date(options.now.getTime() - i * DAY + 5 * 3_600_000)));
  }
  const last = close.plus(1);
  bars.push(flatBar(ticker, last.toFixed(2), new Date(options.now.getTime() - 30_000)));
  await new PriceRepository(dataSource).upsert(bars, "update");
  return last;
}

/** Two glowing headlines in the last hours and an analyst's BUY from the day before: the sentiment and signals agents say BUY. */
export async function seedGoodNews(dataSource: DataSource, ticker: string, now: Date): Promise<void> {
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
  await new NewsRepository(dataSource).insertBatch([
    { title: `${ticker} beats estimates with record revenue and strong growth`, url: `https://news.test/${ticker}-1`, source: "test", tickers: [ticker], publishedAt: hoursAgo(2), summary: "Excellent quarter, impressive gains, outstanding demand." },
    { title: `${ticker} wins major contract, analysts praise great outlook`, url: `https://news.test/${ticker}-2`, source: "test", tickers: [ticker], publishedAt: hoursAgo(5), summary: "A brilliant success." },
  ]);
  await new SignalRepository(dataSource).insert([{ ticker, signal: "BUY", confidence: new Dec("0.9"), source: "analyst", rationale: "upgrade" }]);
  // Dated on the desk's clock, not the wall clock.
  await dataSource.query(`UPDATE trading_signals SET created_at = $2 WHERE ticker = $1 AND source = 'analyst'`, [ticker, new Date(now.getTime() - DAY)]);
}
