import { describe, expect, it } from "vitest";
import { stopLossScanJob } from "../../jobs/stop-loss-scan.js";
import { KillSwitchRepository } from "../../src/adapters/db/repositories/kill-switch-repository.js";
import { StopLossRepository } from "../../src/adapters/db/repositories/stop-loss-repository.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { executeOrder } from "../../src/app/orders/execute-order.js";
import { scanStopLosses, type StopLossDeps } from "../../src/app/orders/stop-loss-scan.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, price as storePrice } from "../support/desk.js";

const db = useTestDatabase();
// Tuesday 2026-11-24, 11:00 New York: the market is open.
const NOW = new Date("2026-11-24T16:00:00Z");

function deps(notifier = new RecordingNotifier(), now = NOW): StopLossDeps {
  return {
    ...executionDeps(db.dataSource, {
      clock: { now: () => now },
      notifier,
      thresholds: { dailyLossPct: 50, maxDrawdownPct: 50, concentrationPct: 100 },
    }),
    positions: new StopLossRepository(db.dataSource),
  };
}

/** Each ticker gets its own name per test: the price table is shared by the file's tests. */
async function price(ticker: string, close: string, secondsAgo = 30): Promise<void> {
  await storePrice(db.dataSource, ticker, close, new Date(NOW.getTime() - secondsAgo * 1000));
}

async function stoppedLong(accountId: string, ticker: string, quantity: number, average: string, stop: string): Promise<void> {
  await holdPosition(db.dataSource, accountId, ticker, quantity, average);
  await db.dataSource.query(`UPDATE positions SET stop_price = $3 WHERE account_id = $1 AND ticker = $2`, [accountId, ticker, stop]);
}

async function rows<T>(sql: string, params: unknown[]): Promise<T[]> {
  return db.dataSource.query(sql, params);
}

describe("stop-loss scan", () => {
  it("sells the whole position when the price falls to its stop, even while halted; a new buy stays refused", async () => {
    const account = await createAccount(db.dataSource, { state: "HALTED" });
    await stoppedLong(account, "SLA", 20, "100", "95");
    await price("SLA", "100", 60);
    await price("SLA", "95");
    const notifier = new RecordingNotifier();
    const d = deps(notifier);

    const result = await scanStopLosses(d);
    expect(result.failures).toEqual([]);
    const mine = result.actions.filter((a) => a.accountId === account);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ ticker: "SLA", quantity: 20, idempotencyKey: expect.stringMatching(/^stop-\d+-\d+-2026-11-24$/), outcome: { status: "filled" } });
    expect(await rows(`SELECT quantity, stop_price FROM positions WHERE account_id = $1`, [account])).toEqual([{ quantity: 0, stop_price: null }]);
    expect(await rows(`SELECT source, side, quantity, status, requested_by FROM orders WHERE account_id = $1`, [account])).toEqual([
      { source: "stop-loss", side: "SELL", quantity: 20, status: "filled", requested_by: "system:stop-loss" },
    ]);
    const alert = notifier.alerts.find((a) => a.kind === "stop_loss" && a.accountId === account);
    expect(alert?.title).toBe("STOP-LOSS SLA: last 95.00 at or below stop 95.00");
    expect(alert?.lines[1]).toMatch(/^filled: 20 @ 94\.95/);
    expect((await new KillSwitchRepository(db.dataSource).status(account))?.state).toBe("HALTED");

    const buy = await executeOrder(d, { accountId: account, idempotencyKey: "after-stop", source: "operator", side: "BUY", ticker: "SLA", quantity: 1, requestedBy: "tg:1" });
    expect(buy).toMatchObject({ status: "refused", refusals: [{ code: "kill_switch_halted" }] });
  });

  it("sells once per position and trading day, however often or concurrently the scan runs", async () => {
    const account = await createAccount(db.dataSource);
    await stoppedLong(account, "SLB", 10, "50", "45");
    await price("SLB", "44");
    const notifier = new RecordingNotifier();
    const d = deps(notifier);

    const [first, second] = await Promise.all([scanStopLosses(d), scanStopLosses(d)]);
    // The later scan either finds the position closed or meets the first one's order: never a second sell.
    const statuses = [...first.actions, ...second.actions].filter((a) => a.accountId === account).map((a) => a.outcome.status);
    expect(statuses.filter((s) => s !== "duplicate")).toEqual(["filled"]);
    expect((await scanStopLosses(d)).actions.filter((a) => a.accountId === account)).toEqual([]);

    // The position shows up again below its stop on the same day (a retried scan after a lost answer): still no second sell.
    await stoppedLong(account, "SLB", 10, "50", "45");
    const again = await scanStopLosses(d);
    expect(again.actions.filter((a) => a.accountId === account).map((a) => a.outcome.status)).toEqual(["duplicate"]);
    expect(await rows(`SELECT count(*)::int AS n FROM orders WHERE account_id = $1`, [account])).toEqual([{ n: 1 }]);
    expect(notifier.alerts.filter((a) => a.kind === "stop_loss" && a.accountId === account)).toHaveLength(1);
  });

  it("exits a position reopened after its stop, on the same day, again", async () => {
    const account = await createAccount(db.dataSource);
    await stoppedLong(account, "SLR", 10, "50", "45");
    await price("SLR", "44");
    const d = deps();
    expect((await scanStopLosses(d)).actions.filter((a) => a.accountId === account).map((a) => a.outcome.status)).toEqual(["filled"]);
    // Bought back (a new holding with a default stop 5% under entry), and the price falls through that stop too.
    expect((await executeOrder(d, { accountId: account, idempotencyKey: "rebuy", source: "operator", side: "BUY", ticker: "SLR", quantity: 10, requestedBy: "tg:1" })).status).toBe("filled");
    await price("SLR", "41", 10);
    expect((await scanStopLosses(d)).actions.filter((a) => a.accountId === account).map((a) => a.outcome.status)).toEqual(["filled"]);
    expect(await rows(`SELECT quantity FROM positions WHERE account_id = $1`, [account])).toEqual([{ quantity: 0 }]);
  });

  it("does nothing while the price is above the stop", async () => {
    const account = await createAccount(db.dataSource);
    await stoppedLong(account, "SLC", 10, "50", "45");
    await price("SLC", "45.01");
    const notifier = new RecordingNotifier();
    const result = await scanStopLosses(deps(notifier));
    expect(result.actions.filter((a) => a.accountId === account)).toEqual([]);
    expect(await rows(`SELECT count(*)::int AS n FROM orders WHERE account_id = $1`, [account])).toEqual([{ n: 0 }]);
    expect(notifier.alerts.filter((a) => a.accountId === account)).toEqual([]);
  });

  it("the job scans in market hours only", async () => {
    const account = await createAccount(db.dataSource);
    await stoppedLong(account, "SLD", 5, "20", "18");
    await price("SLD", "17");
    // Saturday: the market is closed, nothing is sold.
    const closed = stopLossScanJob(deps(new RecordingNotifier(), new Date("2026-11-28T16:00:00Z")), 30);
    expect(closed.schedule).toEqual({ every: 30_000 });
    expect(await closed.process({})).toEqual({ skipped: "market closed" });
    expect(await rows(`SELECT quantity FROM positions WHERE account_id = $1`, [account])).toEqual([{ quantity: 5 }]);

    const open = (await stopLossScanJob(deps(), 30).process({})) as { exits: { accountId: string; status: string }[] };
    expect(open.exits.filter((e) => e.accountId === account)).toEqual([{ accountId: account, ticker: "SLD", quantity: 5, status: "filled" }]);
  });
});
