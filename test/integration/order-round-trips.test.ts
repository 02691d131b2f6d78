import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { PaperBroker } from "../../src/adapters/broker/paper/paper-broker.js";
import { OrderRepository } from "../../src/adapters/db/repositories/order-repository.js";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { TradingGateRepository } from "../../src/adapters/db/repositories/trading-gate-repository.js";
import { bookFills } from "../../src/app/orders/book-fill.js";
import { executeOrder, type ExecutionDeps } from "../../src/app/orders/execute-order.js";
import { Dec } from "../../src/domain/decimal.js";
import type { OrderRequest } from "../../src/domain/orders/order-request.js";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { killSwitchDeps, MARKET_OPEN, price } from "../support/desk.js";

const db = useTestDatabase();

/**
 * The order path on its own ports, as bench/execution.ts builds it: every account on one paper
 * broker, so the count is of the guard and the booking, not of how accounts find their broker.
 */
function deps(): ExecutionDeps {
  const clock = { now: () => MARKET_OPEN };
  const commissionPerOrder = new Dec("1");
  const book = { positions: () => Promise.resolve([]), fills: () => Promise.resolve([]) };
  return {
    gate: new TradingGateRepository(db.dataSource),
    orders: new OrderRepository(db.dataSource),
    broker: new PaperBroker({ prices: new PriceRepository(db.dataSource), clock, slippageBps: 5, commissionPerOrder, book }),
    killSwitch: killSwitchDeps(db.dataSource, { clock }),
    settings: { priceCollarPct: 10, slippageBps: 5, commissionPerOrder, defaultStopPct: 5 },
  };
}

function request(accountId: string, key: string, overrides: Partial<OrderRequest> = {}): OrderRequest {
  return { accountId, idempotencyKey: key, source: "operator", side: "BUY", ticker: "TRIP", quantity: 10, requestedBy: "tg:1", ...overrides };
}

/** What a query sent to PostgreSQL was: a prepared statement's name, or the first words of its text. */
function label(args: unknown[]): string {
  const first = args[0] as string | { name?: string; text?: string };
  const text = typeof first === "string" ? first : (first.name ?? first.text ?? "?");
  return text.replace(/\s+/g, " ").trim().slice(0, 40);
}

/** Every query any pg client sends while `run` runs (the pool's and TypeORM's alike go through pg.Client). */
async function queriesDuring(run: () => Promise<unknown>): Promise<string[]> {
  // spyOn calls through to the real query: the spy only records what was sent.
  const spy = vi.spyOn(pg.Client.prototype, "query");
  try {
    await run();
    return spy.mock.calls.map((args) => label(args));
  } finally {
    spy.mockRestore();
  }
}

/**
 * The queries each order path sends, measured before the app took over the guarded unit of work
 * (issue 16 item 1): moving the decisions out of the repositories must not add a round trip.
 * Counts before the refactor: an inline paper fill 9 (7 in the guarded transaction), an order
 * refused while halted 3, a resting limit order 6, a fill booked outside the guard 6 (4 in its
 * own transaction).
 */
const LOCK = ["BEGIN; SET LOCAL lock_timeout = '5s'", "SELECT state, reason FROM kill_switch_st"];
const INSERT_ORDER = "INSERT INTO orders (account_id, idempote";
const TRIGGER_RECHECK = ["kill_switch_snapshot", "UPDATE kill_switch_states SET last_readi"];

describe("round trips of the order path", () => {
  it("an inline paper fill: the guard's seven statements, then the trigger re-check", async () => {
    const account = await createAccount(db.dataSource);
    await price(db.dataSource, "TRIP", "100", new Date(MARKET_OPEN.getTime() - 30_000));
    const d = deps();
    // The day's first check also records the start-of-day equity; the count is of an ordinary order.
    expect((await executeOrder(d, request(account, "warm-up"))).status).toBe("filled");
    const sent = await queriesDuring(async () => expect((await executeOrder(d, request(account, "filled"))).status).toBe("filled"));
    expect(sent).toEqual([...LOCK, "pre_trade_view", INSERT_ORDER, "fill_context", "book_fill", "COMMIT", ...TRIGGER_RECHECK]);
    expect(sent).toHaveLength(9);
  });

  it("an order refused while halted: the lock read and nothing else", async () => {
    const halted = await createAccount(db.dataSource, { state: "HALTED" });
    const sent = await queriesDuring(async () => expect((await executeOrder(deps(), request(halted, "refused"))).status).toBe("refused"));
    expect(sent).toEqual([...LOCK, "COMMIT"]);
  });

  it("a resting limit order, then its fill booked outside the guard", async () => {
    const account = await createAccount(db.dataSource);
    await price(db.dataSource, "TRIP", "100", new Date(MARKET_OPEN.getTime() - 30_000));
    const d = deps();
    expect((await executeOrder(d, request(account, "warm-up"))).status).toBe("filled");
    let orderId = "";
    const resting = await queriesDuring(async () => {
      const outcome = await executeOrder(d, request(account, "resting", { limitPrice: "90" }));
      expect(outcome.status).toBe("resting");
      if (outcome.status === "resting") orderId = outcome.orderId;
    });
    expect(resting).toEqual([...LOCK, "pre_trade_view", INSERT_ORDER, "UPDATE orders SET status = $2, broker_or", "COMMIT"]);
    const fill = { quantity: 10, price: new Dec("90"), commission: new Dec("1"), brokerFillId: "trip-1", at: MARKET_OPEN };
    const booked = await queriesDuring(async () => expect(await bookFills(d, orderId, [fill])).toHaveLength(1));
    expect(booked).toEqual(["BEGIN", "fill_context", "book_fill", "COMMIT", ...TRIGGER_RECHECK]);
  });
});
