import { describe, expect, it } from "vitest";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { RedisOnceLedger } from "../../src/adapters/redis/once-ledger.js";
import { warnStaleData } from "../../src/app/prices/warn-stale-data.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { killSwitchDeps, MARKET_OPEN, price } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";

const db = useTestDatabase();
const { redis, prefix } = useTestRedis();

describe("stale-data warnings", () => {
  it("warn once per ticker and day about a price older than half the limit, and never outside market hours", async () => {
    const account = await createAccount(db.dataSource, { name: "Stale" });
    await holdPosition(db.dataSource, account, "OLD", 10, "10");
    await holdPosition(db.dataSource, account, "NEW", 10, "10");
    await price(db.dataSource, "OLD", "10", new Date(MARKET_OPEN.getTime() - 200_000)); // 200 s > 150 s
    await price(db.dataSource, "NEW", "10", new Date(MARKET_OPEN.getTime() - 60_000));
    const notifier = new RecordingNotifier();
    const clock = { at: MARKET_OPEN, now() { return this.at; } };
    const deps = { killSwitch: killSwitchDeps(db.dataSource, { notifier, clock }), once: new RedisOnceLedger(redis, prefix) };

    expect(await warnStaleData(deps)).toEqual({ warned: ["Stale:OLD"] });
    expect(notifier.alerts.map((a) => [a.kind, a.title, a.lines])).toEqual([["stale_data", "Stale price: OLD", ["newest OLD price is 200 s old", "trading halts (stale_data) past 300 s"]]]);
    expect(await warnStaleData(deps)).toEqual({ warned: [] }); // once per day

    clock.at = new Date("2026-11-24T23:00:00Z"); // 18:00 New York: closed
    expect(await warnStaleData(deps)).toEqual({ warned: [] });
    expect(notifier.alerts).toHaveLength(1);
  });
});
