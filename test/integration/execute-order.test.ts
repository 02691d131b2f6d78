import { describe, expect, it } from "vitest";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { executeOrder, type ExecutionDeps } from "../../src/app/orders/execute-order.js";
import type { OrderRequest } from "../../src/domain/orders/order-request.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { executionDeps, price as storePrice } from "../support/desk.js";

const db = useTestDatabase();
// Tuesday 2026-11-24, 11:00 New York: the market is open.
const NOW = new Date("2026-11-24T16:00:00Z");

function deps(notifier = new RecordingNotifier()): ExecutionDeps {
  return executionDeps(db.dataSource, { clock: { now: () => NOW }, notifier });
}

async function price(ticker: string, close: string): Promise<void> {
  await storePrice(db.dataSource, ticker, close, new Date(NOW.getTime() - 30_000));
}

let keys = 0;
function request(accountId: string, overrides: Partial<OrderRequest> = {}): OrderRequest {
  keys += 1;
  return { accountId, idempotencyKey: `k-${keys}`, source: "operator", side: "BUY", ticker: "NVDA", quantity: 10, requestedBy: "tg:1", ...overrides };
}

async function one<T>(sql: string, params: unknown[]): Promise<T> {
  const rows: T[] = await db.dataSource.query(sql, params);
  return rows[0]!;
}

describe("executeOrder on the paper broker", () => {
  it("fills a market buy with slippage and commission, to the cent, and sets a default stop 5% under entry", async () => {
    const account = await createAccount(db.dataSource);
    await price("NVDA", "100");
    const notifier = new RecordingNotifier();
    const outcome = await executeOrder(deps(notifier), request(account));
    expect(outcome.status).toBe("filled");
    // 10 @ 100 + 5 bps = 100.05; cost 1000.50 + $1 commission.
    expect(await one(`SELECT cash::text FROM accounts WHERE id = $1`, [account])).toEqual({ cash: "98998.50" });
    expect(await one(`SELECT quantity, cost_basis::text, stop_price::text FROM positions WHERE account_id = $1`, [account])).toEqual({
      quantity: 10,
      cost_basis: "1001.5000",
      stop_price: "95.140000", // average 100.15 x 0.95, to the cent
    });
    expect(await one(`SELECT status, filled_quantity, average_fill_price::text FROM orders WHERE account_id = $1`, [account])).toEqual({
      status: "filled",
      filled_quantity: 10,
      average_fill_price: "100.050000",
    });
    expect(notifier.alerts.map((a) => a.title)).toEqual(["BUY 10 NVDA @ 100.05"]);
  });

  it("gives one order for one idempotency key, also from 50 concurrent submissions", async () => {
    const account = await createAccount(db.dataSource);
    await price("NVDA", "100");
    const d = deps();
    const same = request(account, { idempotencyKey: "once" });
    const first = await executeOrder(d, same);
    const again = await executeOrder(d, same);
    expect(again).toEqual({ status: "duplicate", orderId: first.status === "filled" ? first.orderId : "?" });

    const burst = await Promise.all(Array.from({ length: 50 }, () => executeOrder(d, { ...same, idempotencyKey: "burst" })));
    expect(burst.filter((o) => o.status === "filled")).toHaveLength(1);
    expect(burst.filter((o) => o.status === "duplicate")).toHaveLength(49);
    expect(await one(`SELECT count(*)::int AS orders, (SELECT count(*)::int FROM fills WHERE account_id = $1) AS fills FROM orders WHERE account_id = $1`, [account])).toEqual({ orders: 2, fills: 2 });
  });

  it("lets a stop-loss exit through while halted, and refuses a new buy with its reason", async () => {
    const account = await createAccount(db.dataSource, { state: "HALTED" });
    await holdPosition(db.dataSource, account, "NVDA", 20, "100");
    await price("NVDA", "94");
    const d = deps();
    const buy = await executeOrder(d, request(account));
    expect(buy).toEqual({ status: "refused", refusals: [{ code: "kill_switch_halted", message: "trading is halted: test: halted" }], halted: false });
    const exit = await executeOrder(d, request(account, { side: "SELL", quantity: 20, source: "stop-loss" }));
    expect(exit.status).toBe("filled");
    // 20 @ 94 - 5 bps = 93.953; proceeds 1879.06 - $1; cost 2000 -> realised -121.94.
    expect(await one(`SELECT quantity, realized_pnl::text, stop_price FROM positions WHERE account_id = $1`, [account])).toEqual({ quantity: 0, realized_pnl: "-121.9400", stop_price: null });
    const overSell = await executeOrder(d, request(account, { side: "SELL", quantity: 1 }));
    expect(overSell.status === "refused" && overSell.refusals.map((r) => r.code)).toEqual(["insufficient_position", "kill_switch_halted"]);
  });

  it("refuses a trade that would take one position past 30% of equity", async () => {
    const account = await createAccount(db.dataSource);
    await price("NVDA", "100");
    const outcome = await executeOrder(deps(), request(account, { quantity: 301 }));
    expect(outcome).toEqual({ status: "refused", refusals: [{ code: "concentration", message: "NVDA would be 30.10% of equity (limit 30%)" }], halted: false });
    expect(await one(`SELECT count(*)::int AS n FROM orders WHERE account_id = $1`, [account])).toEqual({ n: 0 });
  });

  it("refuses the 21st order of the trading day and halts the account", async () => {
    const account = await createAccount(db.dataSource);
    await price("NVDA", "100");
    const d = deps();
    for (let i = 0; i < 20; i += 1) expect((await executeOrder(d, request(account, { quantity: 1 }))).status).toBe("filled");
    const twentyFirst = await executeOrder(d, request(account, { quantity: 1 }));
    expect(twentyFirst).toMatchObject({ status: "refused", halted: true, refusals: [{ code: "daily_trade_limit", message: "20 orders already today (limit 20)" }] });
    expect(await one(`SELECT state, trigger FROM kill_switch_states WHERE account_id = $1`, [account])).toEqual({ state: "HALTED", trigger: "daily_trade_limit" });
  });

  it("in phase micro refuses more than 1 share, and any buy once the loss since the phase began reaches $10", async () => {
    // Micro's limits bind real money: a live account, whose orders go to KIS; the paper broker stands in for it here.
    const account = await createAccount(db.dataSource, { cash: "100", live: { phase: "micro" } });
    await price("MCR", "20");
    const d = executionDeps(db.dataSource, { clock: { now: () => NOW }, kisBroker: "paper" });
    const two = await executeOrder(d, request(account, { ticker: "MCR", quantity: 2 }));
    expect(two.status === "refused" && two.refusals.map((r) => r.code)).toContain("phase_order_quantity");
    expect((await executeOrder(d, request(account, { ticker: "MCR", quantity: 1 }))).status).toBe("filled");
    // The share loses half its value: equity falls from 100 to about 89.99, a loss past $10.
    await price("MCR", "10");
    const after = await executeOrder(d, request(account, { ticker: "MCR", quantity: 1 }));
    expect(after.status === "refused" && after.refusals.map((r) => r.code)).toContain("phase_loss_limit");
  });

  it("rests a limit order that does not cross, and answers bad input with every problem and no order", async () => {
    const account = await createAccount(db.dataSource);
    await price("NVDA", "100");
    const d = deps();
    expect((await executeOrder(d, request(account, { limitPrice: "95" }))).status).toBe("resting");
    for (const [bad, message] of [
      [{ quantity: 0 }, 'quantity must be a whole number of shares above 0, got "0"'],
      [{ quantity: -5 }, 'quantity must be a whole number of shares above 0, got "-5"'],
      [{ quantity: "abc" }, 'quantity must be a whole number of shares above 0, got "abc"'],
      [{ quantity: 1e9 }, "quantity 1000000000 is above the desk's maximum of 1000000"],
      [{ ticker: "NV DA" }, '"NV DA" is not a ticker'],
      [{ side: "HOLD" }, 'side must be BUY or SELL, got "HOLD"'],
      [{ limitPrice: "-1" }, 'limit price must be a positive amount with at most 6 decimals, got "-1"'],
    ] as const) {
      expect(await executeOrder(d, request(account, bad))).toEqual({ status: "invalid", errors: [message] });
    }
    expect(await one(`SELECT count(*)::int AS n FROM orders WHERE account_id = $1`, [account])).toEqual({ n: 1 });
  });
});
