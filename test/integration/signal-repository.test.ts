import { describe, expect, it } from "vitest";
import { QueryCache } from "../../src/adapters/cache/query-cache.js";
import { SignalRepository } from "../../src/adapters/db/repositories/signal-repository.js";
import { Dec } from "../../src/domain/decimal.js";
import { useTestDatabase } from "../support/database.js";

const db = useTestDatabase();

describe("SignalRepository", () => {
  it("returns a ticker's signals newest first", async () => {
    const repo = new SignalRepository(db.dataSource);
    const [first] = await repo.insert([{ ticker: "NVDA", signal: "BUY", confidence: new Dec("0.7"), source: "import", price: new Dec("140.5") }]);
    await repo.insert([{ ticker: "NVDA", signal: "SELL", confidence: new Dec("0.6"), source: "import" }]);
    await repo.insert([{ ticker: "ORCL", signal: "HOLD", confidence: new Dec("0.9"), source: "import" }]);
    expect(first).toMatchObject({ ticker: "NVDA", signal: "BUY", alertSent: false, rationale: "" });
    expect(first?.confidence.toFixed(4)).toBe("0.7000");
    expect(first?.price?.toFixed(2)).toBe("140.50");
    expect((await repo.recentForTicker("NVDA", 10)).map((s) => s.signal)).toEqual(["SELL", "BUY"]);
    expect((await repo.recentForTicker("NVDA", 1)).map((s) => s.signal)).toEqual(["SELL"]);
  });

  it("lists unsent signals above a confidence, most confident first, and marks each sent once", async () => {
    const repo = new SignalRepository(db.dataSource);
    await db.dataSource.query("UPDATE trading_signals SET alert_sent = true");
    const inserted = await repo.insert([
      { ticker: "AAA", signal: "BUY", confidence: new Dec("0.55"), source: "t" },
      { ticker: "BBB", signal: "SELL", confidence: new Dec("0.95"), source: "t" },
      { ticker: "CCC", signal: "BUY", confidence: new Dec("0.80"), source: "t" },
    ]);
    const pending = await repo.pendingAlerts("0.6", 10);
    expect(pending.map((s) => s.ticker)).toEqual(["BBB", "CCC"]);
    expect(await repo.markAlertSent(pending.map((s) => s.id))).toBe(2);
    expect(await repo.markAlertSent(pending.map((s) => s.id))).toBe(0);
    expect((await repo.pendingAlerts("0", 10)).map((s) => s.id)).toEqual([inserted[0]!.id]);
  });

  it("drops cached reads of a ticker when a signal for it is written", async () => {
    const cache = new QueryCache({ ttlMs: 60_000, maxEntries: 100 });
    const repo = new SignalRepository(db.dataSource, cache);
    await repo.insert([{ ticker: "CSH", signal: "BUY", confidence: new Dec("0.5"), source: "t" }]);
    expect(await repo.recentForTicker("CSH", 5)).toHaveLength(1);
    await repo.insert([{ ticker: "CSH", signal: "SELL", confidence: new Dec("0.5"), source: "t" }]);
    expect((await repo.recentForTicker("CSH", 5)).map((s) => s.signal)).toEqual(["SELL", "BUY"]);
    expect(cache.hits).toBe(0);
  });
});
