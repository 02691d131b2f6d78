import { describe, expect, it } from "vitest";
import type pg from "pg";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { pgPool } from "../../src/adapters/db/pool.js";
import { Dec } from "../../src/domain/decimal.js";
import type { PriceBar } from "../../src/domain/prices.js";
import { useTestDatabase } from "../support/database.js";

const db = useTestDatabase();

function bar(ticker: string, time: string, close: string): PriceBar {
  const c = new Dec(close);
  return { ticker, time: new Date(time), open: c, high: c.plus(1), low: c.minus("0.5"), close: c, adjClose: null, volume: 1000n, source: "test" };
}

describe("PriceRepository", () => {
  it("returns the newest price of a ticker, exactly as stored", async () => {
    const repo = new PriceRepository(db.dataSource);
    await repo.upsert([bar("NVDA", "2026-01-02T21:00:00Z", "140.10"), bar("NVDA", "2026-01-05T21:00:00Z", "141.123456"), bar("NVDA", "2026-01-03T21:00:00Z", "139")], "ignore");
    const latest = await repo.latest("NVDA");
    expect(latest?.time.toISOString()).toBe("2026-01-05T21:00:00.000Z");
    expect(latest?.close.toFixed()).toBe("141.123456");
    expect(await repo.latest("NONE")).toBeUndefined();
  });

  it("returns the newest price of many tickers in one query, leaving out unknown tickers", async () => {
    const repo = new PriceRepository(db.dataSource);
    await repo.upsert([bar("AAA", "2026-01-01T21:00:00Z", "1"), bar("AAA", "2026-01-02T21:00:00Z", "2"), bar("BBB", "2026-01-01T21:00:00Z", "3")], "ignore");
    const latest = await repo.latestMany(["AAA", "BBB", "ZZZ", "AAA"]);
    expect([...latest.keys()].sort()).toEqual(["AAA", "BBB"]);
    expect(latest.get("AAA")?.close.toString()).toBe("2");
    expect(latest.get("BBB")?.close.toString()).toBe("3");
    expect((await repo.latestMany([])).size).toBe(0);
  });

  it("upserts in bulk: 'ignore' keeps stored bars, 'update' overwrites them, and counts both", async () => {
    const repo = new PriceRepository(db.dataSource);
    const bars = Array.from({ length: 4500 }, (_, i) => bar("BULK", new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString(), "10"));
    expect(await repo.upsert(bars, "ignore")).toEqual({ inserted: 4500, existing: 0 });
    expect(await repo.upsert(bars.slice(0, 10), "ignore")).toEqual({ inserted: 0, existing: 10 });
    expect((await repo.latest("BULK"))?.close.toString()).toBe("10");

    const revised = [...bars.slice(-2).map((b) => ({ ...b, close: new Dec("10.25") })), bar("BULK", "2030-01-01T21:00:00Z", "11")];
    expect(await repo.upsert(revised, "update")).toEqual({ inserted: 1, existing: 2 });
    const [row] = await db.dataSource.query(`SELECT close FROM stock_prices WHERE ticker = 'BULK' AND time = $1`, [bars.at(-1)!.time]);
    expect(row.close).toBe("10.250000");
  });

  it("writes all batches or none: one bad bar leaves nothing behind", async () => {
    const repo = new PriceRepository(db.dataSource);
    const bars = Array.from({ length: 3000 }, (_, i) => bar("ATOM", new Date(Date.UTC(2001, 0, 1) + i * 86_400_000).toISOString(), "5"));
    bars[2999] = { ...bars[2999]!, low: new Dec("99") }; // low above high: the database refuses it
    await expect(repo.upsert(bars, "ignore")).rejects.toThrow(/stock_prices_range/);
    expect(await repo.latest("ATOM")).toBeUndefined();
  });

  describe("with a connection of its own for ticks", () => {
    const tickBackends = () => db.dataSource.query<{ pid: number }[]>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'test:ticks' AND datname = current_database()`);

    it("stores ticks while every connection of the shared pool is taken, and ends its connection on close", async () => {
      const repo = new PriceRepository(db.dataSource, { ownTickConnection: true });
      await repo.openTickConnection();
      const shared = pgPool(db.dataSource);
      const taken: pg.PoolClient[] = [];
      try {
        while (shared.totalCount < shared.options.max || shared.idleCount > 0) taken.push(await shared.connect());
        await repo.recordTicks([bar("OWN", "2026-01-05T15:00:01Z", "10")]);
        await repo.recordTicks([bar("OWN", "2026-01-05T15:00:07Z", "11")]);
      } finally {
        for (const client of taken) client.release();
        await repo.close();
      }
      // One row per ticker and minute, merged: the own connection runs the same statement.
      expect(await repo.latest("OWN")).toMatchObject({ time: new Date("2026-01-05T15:00:07Z"), close: new Dec("11") });
      expect(await tickBackends()).toEqual([]);
    });

    it("replaces a connection that was cut: at worst one batch fails (the pipeline retries it), the next is stored", async () => {
      const repo = new PriceRepository(db.dataSource, { ownTickConnection: true });
      try {
        await repo.openTickConnection();
        const backends = await tickBackends();
        expect(backends).toHaveLength(1);
        await db.dataSource.query(`SELECT pg_terminate_backend($1)`, [backends[0]!.pid]);
        const first = await repo.recordTicks([bar("CUT", "2026-01-05T15:00:01Z", "10")]).then(() => "stored", () => "failed");
        expect(["stored", "failed"]).toContain(first);
        await repo.recordTicks([bar("CUT", "2026-01-05T15:01:01Z", "12")]);
        expect(await repo.latest("CUT")).toMatchObject({ close: new Dec("12") });
        expect((await tickBackends()).map((b) => b.pid)).not.toContain(backends[0]!.pid);
      } finally {
        await repo.close();
      }
    });
  });
});
