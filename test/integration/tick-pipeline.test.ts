import { beforeEach, describe, expect, it } from "vitest";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { StopLossRepository } from "../../src/adapters/db/repositories/stop-loss-repository.js";
import { TickPipeline, type CheckedBatch, type StoredBatch } from "../../src/app/prices/tick-pipeline.js";
import { Dec } from "../../src/domain/decimal.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN, price } from "../support/desk.js";

const db = useTestDatabase();
// Each test starts from an empty desk: the file shares one database.
beforeEach(async () => {
  await db.dataSource.query(`TRUNCATE stock_prices, accounts RESTART IDENTITY CASCADE`);
});

function pipelineFor(options: { clock?: { now(): Date }; thresholds?: Record<string, number>; log?: { warn(): void; error(): void }; retryMs?: number; prices?: PriceRepository; checkConcurrency?: number } = {}) {
  const clock = options.clock ?? { now: () => new Date(MARKET_OPEN.getTime() + 120_000) };
  const execution = executionDeps(db.dataSource, { clock, thresholds: { concentrationPct: 100, ...options.thresholds } });
  const pipeline = new TickPipeline({
    prices: options.prices ?? new PriceRepository(db.dataSource),
    execution: { ...execution, positions: new StopLossRepository(db.dataSource) },
    log: options.log ?? { warn: () => undefined, error: () => undefined },
    retryMs: options.retryMs ?? 1000,
    ...(options.checkConcurrency ? { checkConcurrency: options.checkConcurrency } : {}),
  });
  const batches: CheckedBatch[] = [];
  const stores: StoredBatch[] = [];
  pipeline.observe((e) => (e.kind === "checked" ? batches.push(e) : stores.push(e)));
  return { pipeline, batches, stores, execution };
}

const at = (seconds: number) => new Date(MARKET_OPEN.getTime() + seconds * 1000);
const tick = (ticker: string, p: string, seconds: number, size = 10n) => ({ ticker, price: new Dec(p), size, time: at(seconds), source: "test:feed" });

async function rows(ticker: string) {
  return db.dataSource.query<{ time: Date; open: string; high: string; low: string; close: string; volume: string }[]>(
    `SELECT time, open::text, high::text, low::text, close::text, volume::text FROM stock_prices WHERE ticker = $1 ORDER BY time`,
    [ticker],
  );
}

describe("the tick pipeline", () => {
  it("keeps one row per ticker and exchange minute, whose time moves on to the newest trade", async () => {
    const { pipeline } = pipelineFor();
    pipeline.push(tick("NVDA", "100", 1));
    pipeline.push(tick("NVDA", "102.5", 5, 3n));
    pipeline.push(tick("NVDA", "99.25", 9, 7n));
    await pipeline.drained();
    expect(await rows("NVDA")).toEqual([{ time: at(9), open: "100.000000", high: "102.500000", low: "99.250000", close: "99.250000", volume: "20" }]);

    // The same minute in a later batch merges into the stored row; the next minute starts a new one.
    pipeline.push(tick("NVDA", "101", 30, 5n));
    await pipeline.drained();
    pipeline.push(tick("NVDA", "98", 61, 1n));
    await pipeline.drained();
    expect(await rows("NVDA")).toEqual([
      { time: at(30), open: "100.000000", high: "102.500000", low: "99.250000", close: "101.000000", volume: "25" },
      { time: at(61), open: "98.000000", high: "98.000000", low: "98.000000", close: "98.000000", volume: "1" },
    ]);
    expect(await new PriceRepository(db.dataSource).latest("NVDA")).toMatchObject({ time: at(61), close: new Dec("98") });
  });

  it("halts an account holding the ticker on the tick that shows the loss", async () => {
    const { pipeline, batches } = pipelineFor();
    const account = await createAccount(db.dataSource, { name: "Holder", cash: "0" });
    await holdPosition(db.dataSource, account, "NVDA", 100, "100");
    await price(db.dataSource, "NVDA", "100", MARKET_OPEN);
    pipeline.push(tick("NVDA", "99", 10));
    await pipeline.drained();
    expect(batches.flatMap((b) => b.checks.map((c) => [c.accountName, c.halted]))).toEqual([["Holder", false]]);

    pipeline.push(tick("NVDA", "90", 20)); // -10% against the 3% daily loss limit
    await pipeline.drained();
    expect(batches.flatMap((b) => b.halted)).toEqual(["Holder"]);
    const [state] = await db.dataSource.query(`SELECT state, trigger FROM kill_switch_states WHERE account_id = $1`, [account]);
    expect(state).toEqual({ state: "HALTED", trigger: "daily_loss" });
  });

  it("sells a position whose stop the tick reaches", async () => {
    const { pipeline, batches } = pipelineFor({ thresholds: { dailyLossPct: 50, maxDrawdownPct: 50 } });
    const account = await createAccount(db.dataSource, { name: "Stopped", cash: "100000" });
    await holdPosition(db.dataSource, account, "ORCL", 10, "100");
    await db.dataSource.query(`UPDATE positions SET stop_price = 95 WHERE account_id = $1`, [account]);
    await price(db.dataSource, "ORCL", "100", MARKET_OPEN);
    const exits = () => batches.reduce((n, b) => n + b.stopExits, 0);
    pipeline.push(tick("ORCL", "96", 10));
    await pipeline.drained();
    expect(exits()).toBe(0);
    pipeline.push(tick("ORCL", "94.5", 11));
    await pipeline.drained();
    expect(exits()).toBe(1);
    const orders = await db.dataSource.query(`SELECT side, quantity, source FROM orders WHERE account_id = $1`, [account]);
    expect(orders).toEqual([{ side: "SELL", quantity: 10, source: "stop-loss" }]);
  });

  it("drops late and malformed ticks, and stores a tick from the future at the desk's own time", async () => {
    const now = at(100);
    const { pipeline } = pipelineFor({ clock: { now: () => now } });
    pipeline.push(tick("NVDA", "100", 50));
    await pipeline.drained();
    pipeline.push(tick("NVDA", "80", 40)); // older than the stored trade
    pipeline.push({ ...tick("NVDA", "0", 60) }); // no price
    pipeline.push({ ...tick("nvda; DROP", "1", 60) }); // not a ticker
    pipeline.push(tick("ORCL", "50", 400)); // 300 s ahead of our clock
    pipeline.push(tick("AAPL", "10", -3 * 3600)); // 08:00 in New York: pre-market
    await pipeline.drained();
    expect(pipeline.stats).toMatchObject({ received: 6, late: 1, rejected: 2, ahead: 1, outsideSession: 1, maxAheadMs: 300_000 });
    expect(await rows("AAPL")).toEqual([]);
    expect((await rows("NVDA")).map((r) => r.close)).toEqual(["100.000000"]);
    expect(await rows("ORCL")).toEqual([expect.objectContaining({ time: now, close: "50.000000" })]);
  });

  it("checks the account exposed to the biggest move first, however many others wait", async () => {
    // Both moves must be known at once: a store held back on an unrelated ticker lets them queue
    // into one batch (a busy machine could otherwise store and check CALM before CRSH arrives).
    let open!: () => void;
    let gate = Promise.resolve();
    const base = new PriceRepository(db.dataSource);
    const prices = Object.assign(Object.create(base) as PriceRepository, {
      recordTicks: async (...args: Parameters<PriceRepository["recordTicks"]>) => {
        await gate;
        return base.recordTicks(...args);
      },
    });
    // One worker: checks then finish in the order they were taken (with several, a check taken
    // later may finish first on a busy machine, which says nothing about the order).
    const { pipeline, batches } = pipelineFor({ thresholds: { dailyLossPct: 50, maxDrawdownPct: 50 }, checkConcurrency: 1, prices });
    const names = ["Calm-1", "Calm-2", "Calm-3", "Calm-4", "Calm-5", "Calm-6", "Exposed"];
    for (const name of names) {
      const id = await createAccount(db.dataSource, { name, cash: "100000" });
      await holdPosition(db.dataSource, id, name === "Exposed" ? "CRSH" : "CALM", 10, "100");
    }
    pipeline.push(tick("CALM", "100", 1));
    pipeline.push(tick("CRSH", "100", 1));
    await pipeline.drained();
    batches.length = 0;
    gate = new Promise<void>((resolve) => (open = resolve));
    pipeline.push(tick("IDLE", "10", 2)); // nobody holds it: its store is the one held back
    pipeline.push(tick("CALM", "100.05", 2));
    pipeline.push(tick("CRSH", "80", 2));
    open();
    await pipeline.drained();
    const order = batches.flatMap((b) => b.checks.map((c) => c.accountName));
    expect(order).toHaveLength(7);
    expect(order[0]).toBe("Exposed");
  });

  it("coalesces a burst on one ticker so that another ticker's tick is not starved, and keeps the newest", async () => {
    const { pipeline, stores: batches } = pipelineFor();
    for (let i = 0; i < 5000; i++) pipeline.push(tick("NVDA", `${100 + (i % 50) / 100}`, 1 + i / 1000));
    pipeline.push(tick("ORCL", "50", 2));
    pipeline.push(tick("NVDA", "123.45", 7));
    await pipeline.drained();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ kind: "stored", bars: 2, ticks: 5002 });
    expect((await rows("NVDA")).map((r) => [r.close, r.volume])).toEqual([["123.450000", "50010"]]);
    expect((await rows("ORCL")).map((r) => r.close)).toEqual(["50.000000"]);
  });

  // A live feed stores on a connection of its own (src/main/market-data.ts); the shared pool otherwise.
  it.each([["the shared pool", false], ["a connection of its own", true]])("keeps the newest ticks while PostgreSQL cannot store them, and stores them when it can (on %s)", async (_, ownTickConnection) => {
    let failed!: () => void;
    const storeFailed = new Promise<void>((resolve) => (failed = resolve));
    const prices = new PriceRepository(db.dataSource, { ownTickConnection });
    await prices.openTickConnection();
    const { pipeline } = pipelineFor({ log: { warn: () => undefined, error: () => failed() }, retryMs: 20, prices });
    try {
      await db.dataSource.query(`ALTER TABLE stock_prices RENAME TO stock_prices_away`);
      try {
        pipeline.push(tick("NVDA", "100", 1));
        await storeFailed;
        pipeline.push(tick("NVDA", "101", 2));
      } finally {
        await db.dataSource.query(`ALTER TABLE stock_prices_away RENAME TO stock_prices`);
      }
      await pipeline.drained();
      pipeline.push(tick("NVDA", "99", 3, 5n));
      await pipeline.drained();
    } finally {
      await prices.close();
    }
    expect(pipeline.stats.failedBatches).toBeGreaterThanOrEqual(1);
    expect((await rows("NVDA")).map((r) => [r.open, r.low, r.close, r.volume, r.time])).toEqual([["100.000000", "99.000000", "99.000000", "25", at(3)]]);
  });
});
