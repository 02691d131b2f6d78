import { describe, expect, it } from "vitest";
import { loadReplaySeries, ReplayMarketData } from "../../src/adapters/market-data/replay-provider.js";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { pollPrices } from "../../src/app/prices/poll-prices.js";
import { TickPipeline } from "../../src/app/prices/tick-pipeline.js";
import { StopLossRepository } from "../../src/adapters/db/repositories/stop-loss-repository.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN } from "../support/desk.js";

const db = useTestDatabase();
const silentLog = { warn: () => undefined, error: () => undefined };

describe("price polling with the replay provider", () => {
  it("plays the shipped daily data forward, one day per interval, fresh-stamped, and the kill switch sees each batch", async () => {
    const series = await loadReplaySeries("demo/prices", ["NVDA"], "America/New_York");
    // 2008-10-06 to 2008-10-07: NVDA closed 7.85, then 7.24 (-7.8%).
    const replay = new ReplayMarketData(series, { start: "2008-10-06", secondsPerDay: 10, startedAt: MARKET_OPEN });
    const clock = { at: MARKET_OPEN, now() { return this.at; } };
    // One position is the whole account here: only the daily loss should speak.
    const execution = executionDeps(db.dataSource, { clock, thresholds: { concentrationPct: 100 } });
    const pipeline = new TickPipeline({
      prices: new PriceRepository(db.dataSource),
      execution: { ...execution, positions: new StopLossRepository(db.dataSource) },
      log: silentLog,
      alwaysOpen: true,
    });
    const deps = { provider: replay, pipeline, calendar: execution.killSwitch.calendar, clock };

    const account = await createAccount(db.dataSource, { name: "Replayed", cash: "0" });
    await holdPosition(db.dataSource, account, "NVDA", 1000, "7.85");

    expect(await pollPrices(deps)).toEqual({ bars: 1, halted: [], filled: 0 });
    const [first] = await db.dataSource.query<{ close: string; time: Date; source: string }[]>(`SELECT close::text, time, source FROM stock_prices WHERE ticker = 'NVDA'`);
    expect(first).toEqual({ close: "7.850000", time: MARKET_OPEN, source: "replay:2008-10-06" });

    clock.at = new Date(MARKET_OPEN.getTime() + 10_000); // the next replayed day
    expect(await pollPrices(deps)).toEqual({ bars: 1, halted: ["Replayed"], filled: 0 });
    const [state] = await db.dataSource.query<{ state: string; trigger: string }[]>(`SELECT state, trigger FROM kill_switch_states WHERE account_id = $1`, [account]);
    expect(state).toEqual({ state: "HALTED", trigger: "daily_loss" });
  });

  it("refuses a start after the data ends, and names a missing file", async () => {
    const series = await loadReplaySeries("demo/prices", ["ORCL"], "America/New_York");
    expect(() => new ReplayMarketData(series, { start: "2030-01-01", secondsPerDay: 1, startedAt: MARKET_OPEN })).toThrow("no bar on or after 2030-01-01");
    await expect(loadReplaySeries("demo/prices", ["ZZZZ"], "America/New_York")).rejects.toThrow(/no replay data for ZZZZ: demo\/prices\/zzzz-daily.csv is missing/);
  });
});
