import { readFile } from "node:fs/promises";
import { beforeEach, describe, expect, it } from "vitest";
import { DailyBarRepository } from "../../src/adapters/db/repositories/daily-bar-repository.js";
import { NewsRepository } from "../../src/adapters/db/repositories/news-repository.js";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { SignalRepository } from "../../src/adapters/db/repositories/signal-repository.js";
import { loadBars, loadBarsFromStore } from "../../src/app/backtest/load-bars.js";
import { runBacktestReport } from "../../src/app/backtest/run-backtest.js";
import { FREE } from "../../src/domain/backtest/costs.js";
import { DEFAULT_WARROOM_SETTINGS, warRoomStrategy } from "../../src/domain/backtest/strategies.js";
import { parseUniverse } from "../../src/domain/backtest/universe.js";
import { Dec } from "../../src/domain/decimal.js";
import { parseYahooCsv } from "../../src/domain/yahoo-csv.js";
import { useTestDatabase } from "../support/database.js";

/**
 * `npm run backtest -- --prices db`: the same bars from the price table as from the files, and
 * the War Room's agents fed the headlines and signals known at each decision (not later ones).
 */

const db = useTestDatabase();
const ZONE = "America/New_York";
const store = () => new DailyBarRepository(db.dataSource, ZONE);

beforeEach(async () => {
  await db.dataSource.query("TRUNCATE stock_prices, news_articles, news_article_tickers, trading_signals CASCADE");
});

async function importOrcl(): Promise<void> {
  const { bars } = parseYahooCsv(await readFile("demo/prices/orcl-daily.csv", "utf8"), "ORCL", ZONE);
  await new PriceRepository(db.dataSource).upsert(bars.filter((b) => b.time < new Date("2011-01-01")), "ignore");
}

describe("backtest bars from the price table", () => {
  it("groups the table by trading day and gives the files' bars, warm-up and days", async () => {
    await importOrcl();
    const range = { tickers: ["ORCL"], from: "2010-01-01", to: "2010-06-30" };
    const fromTable = await loadBarsFromStore(range, store());
    const fromFile = await loadBars(parseUniverse({ ...range, tickers: "ORCL", data: "demo/prices" }), (p) => readFile(p, "utf8"));
    const plain = (b: { date: string; open: Dec; high: Dec; low: Dec; close: Dec }) => `${b.date} ${b.open.toFixed(6)} ${b.high.toFixed(6)} ${b.low.toFixed(6)} ${b.close.toFixed(6)}`;
    expect(fromTable.days).toEqual(fromFile.days);
    expect(fromTable.tickers[0]!.bars.map(plain)).toEqual(fromFile.tickers[0]!.bars.map(plain));
    expect(fromTable.tickers[0]!.warmup.map(plain)).toEqual(fromFile.tickers[0]!.warmup.map(plain));
    expect(fromTable.tickers[0]!.path).toBe("the price table (stock_prices)");
  });

  it("merges a day's intraday rows into one bar: first open, widest range, last close", async () => {
    const at = (hhmm: string) => new Date(`2024-03-04T${hhmm}:00-05:00`);
    const row = (time: Date, open: string, high: string, low: string, close: string) => ({ ticker: "ABC", time, open: new Dec(open), high: new Dec(high), low: new Dec(low), close: new Dec(close), adjClose: null, volume: 100n, source: "test" });
    await new PriceRepository(db.dataSource).upsert([row(at("09:31"), "10", "10.5", "9.9", "10.2"), row(at("12:00"), "10.2", "11", "10.1", "10.8"), row(at("15:59"), "10.8", "10.9", "9.5", "9.7")], "ignore");
    const [bar] = await store().dailyBars("ABC", "2024-03-04");
    expect([bar!.date, bar!.open.toFixed(), bar!.high.toFixed(), bar!.low.toFixed(), bar!.close.toFixed()]).toEqual(["2024-03-04", "10", "11", "9.5", "9.7"]);
  });

  it("hands the agents the headlines and signals known at each decision, never later ones", async () => {
    await importOrcl();
    await new NewsRepository(db.dataSource).insertBatch([
      { title: "Oracle beats estimates with record revenue", url: "https://news.test/orcl-1", source: "test", tickers: ["ORCL"], publishedAt: new Date("2010-03-01T15:00:00Z"), summary: "Excellent quarter." },
      { title: "Oracle misses badly, shares plunge", url: "https://news.test/orcl-2", source: "test", tickers: ["ORCL"], publishedAt: new Date("2010-03-10T15:00:00Z"), summary: "Terrible." },
    ]);
    await new SignalRepository(db.dataSource).insert([{ ticker: "ORCL", signal: "BUY", confidence: new Dec("0.9"), source: "analyst", rationale: "upgrade" }]);
    await db.dataSource.query(`UPDATE trading_signals SET created_at = '2010-03-02T15:00:00Z'`);

    const bars = await loadBarsFromStore({ tickers: ["ORCL"], from: "2010-03-01", to: "2010-03-12" }, store());
    expect(bars.tickers[0]!.news!.map((n) => n.title)).toEqual(["Oracle beats estimates with record revenue", "Oracle misses badly, shares plunge"]);
    const report = runBacktestReport({
      bars,
      capital: new Dec(100_000),
      costs: FREE,
      haltPolicy: "stay",
      strategy: warRoomStrategy(DEFAULT_WARROOM_SETTINGS),
      thresholds: { dailyLossPct: 5, maxDrawdownPct: 10, apiErrorCount: 3, concentrationPct: 30, staleDataSeconds: 300, dailyTradeLimit: 20 },
      priceCollarPct: 10,
      defaultStopPct: 5,
      timeZone: ZONE,
    });
    // Decisions are at 09:29 New York. The first headline (10:00 on 03-01) is missed by that
    // morning's decision and read for the sentiment agent's 72 hours: 03-02, 03-03, 03-04. The
    // second (10:00 on 03-10) is missed on 03-10 and read on 03-11 and 03-12: 5 votes. The signal
    // (10:00 on 03-02) is read within the signals agent's 5 days: 03-03, 03-04, 03-05 (03-08
    // 09:29 is 143.5 hours later): 3 votes. The other sessions abstain.
    const sentiment = report.run.agents.find((a) => a.agent === "sentiment")!;
    const signals = report.run.agents.find((a) => a.agent === "signals")!;
    expect(report.header.tradingDays).toBe(10);
    expect(sentiment.votes - sentiment.abstained).toBe(5);
    expect(signals.votes - signals.abstained).toBe(3);
  });
});
