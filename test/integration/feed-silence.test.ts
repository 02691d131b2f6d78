import { afterEach, describe, expect, it } from "vitest";
import { MarketFeedRepository } from "../../src/adapters/db/repositories/market-feed-repository.js";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { StopLossRepository } from "../../src/adapters/db/repositories/stop-loss-repository.js";
import { AlpacaStream } from "../../src/adapters/market-data/alpaca/stream.js";
import { checkTriggers } from "../../src/app/kill-switch/check-triggers.js";
import { FeedMonitor } from "../../src/app/prices/feed-monitor.js";
import { TickPipeline } from "../../src/app/prices/tick-pipeline.js";
import { AlpacaFake } from "../support/alpaca-fake/server.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, MARKET_OPEN } from "../support/desk.js";

const db = useTestDatabase();
const KEY = { id: "PKTESTSILENCE001", secret: "silence-test-secret" };
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

describe("a feed that goes silent in market hours", () => {
  it("is reported down, and the accounts holding its tickers halt on stale_data past the limit, naming the feed and the ticker", async () => {
    const clock = { at: MARKET_OPEN, now() { return this.at; } };
    const execution = executionDeps(db.dataSource, { clock, thresholds: { concentrationPct: 100, staleDataSeconds: 300 } });
    const accountId = await createAccount(db.dataSource, { name: "Holder", cash: "0" });
    await holdPosition(db.dataSource, accountId, "NVDA", 10, "100");

    const fake = await AlpacaFake.start({ keys: { [KEY.id]: KEY.secret } });
    cleanup.push(() => fake.close());
    const pipeline = new TickPipeline({ prices: new PriceRepository(db.dataSource), execution: { ...execution, positions: new StopLossRepository(db.dataSource) }, log: quiet });
    const monitor = new FeedMonitor({ store: new MarketFeedRepository(db.dataSource), clock, log: quiet }, "alpaca:iex");
    const stream = new AlpacaStream({ keyId: KEY.id, secretKey: KEY.secret, feed: "iex", streamUrl: fake.streamUrl, silenceMs: 300, backoffMs: 5, maxBackoffMs: 20 });
    cleanup.push(() => stream.stop());
    const downs: string[] = [];
    const wentDown = new Promise<void>((resolve) => {
      monitor.down = (reason) => {
        downs.push(reason);
        FeedMonitor.prototype.down.call(monitor, reason);
        resolve();
      };
    });
    pipeline.observe((e) => monitor.observe(e)); // as src/main/market-data.ts wires them
    const stored = new Promise<void>((resolve) => pipeline.observe((e) => e.kind === "stored" && resolve()));
    stream.follow(["NVDA"]);
    await stream.start(pipeline, monitor);
    await fake.subscribed("NVDA");

    fake.trade("NVDA", "100.25", 5, MARKET_OPEN.toISOString());
    await stored;
    await pipeline.drained();
    fake.silence(true);
    await wentDown;
    expect(downs[0]).toMatch(/no message for/);
    await monitor.stop();
    const [feed] = await new MarketFeedRepository(db.dataSource).all();
    expect(feed).toMatchObject({ name: "alpaca:iex", state: "down", lastTickTicker: "NVDA", lastTickAt: MARKET_OPEN });

    // The trigger check (every TRIGGER_CHECK_EVERY_SECONDS) sees the price age: not yet at 290 s...
    clock.at = new Date(MARKET_OPEN.getTime() + 290_000);
    expect((await checkTriggers(execution.killSwitch, accountId, "schedule")).halted).toBe(false);
    // ...halted at the limit plus one check interval.
    clock.at = new Date(MARKET_OPEN.getTime() + 330_000);
    const check = await checkTriggers(execution.killSwitch, accountId, "schedule");
    expect(check.halted).toBe(true);
    const [row] = await db.dataSource.query(`SELECT state, trigger, reason FROM kill_switch_states WHERE account_id = $1`, [accountId]);
    expect(row).toMatchObject({ state: "HALTED", trigger: "stale_data" });
    expect(row.reason).toContain("NVDA from alpaca:iex");
  });
});
