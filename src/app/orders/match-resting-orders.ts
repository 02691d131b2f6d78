import type { Dec } from "../../domain/decimal.js";
import type { PriceBar } from "../../domain/prices.js";
import type { Side } from "../../domain/vocabulary.js";
import type { Broker, BrokerFill, BrokerOrder } from "../ports/broker.js";
import type { RecordedFill, StoredOrder } from "../ports/order-store.js";
import { bookFills } from "./book-fill.js";
import type { ExecutionDeps } from "./execute-order.js";

/** What a simulating (paper) broker offers: the fill of a resting order at a new price, when it crosses. */
export interface RestingOrderSimulator {
  fillIfCrossed(order: BrokerOrder, price: Dec, remaining: number, fillsSoFar: number): BrokerFill | undefined;
}

export interface RestingMatchResult {
  filled: { orderId: string; accountId: string; ticker: string; side: Side; fills: RecordedFill[] }[];
  /** Crossing BUYs left resting because their account may not add exposure (halted, or its state unreadable). */
  held: { orderId: string; accountId: string; ticker: string; reason: string }[];
  /** Fills that could not be booked (e.g. the cash no longer covers a BUY): the order keeps resting. */
  failures: { orderId: string; ticker: string; error: string }[];
}

const nothing = (): RestingMatchResult => ({ filled: [], held: [], failures: [] });

/**
 * Fills the paper broker's resting limit orders that the newest prices now cross, at the limit
 * or better, and books them through the order path's `bookFills` (positions, cash, kill-switch
 * re-check, fill alerts). Fill ids are derived from the order, so matching the same price twice
 * books once. A real broker fills its own resting orders; then this does nothing.
 */
export async function matchRestingOrders(deps: ExecutionDeps, newest: ReadonlyMap<string, Dec>): Promise<RestingMatchResult> {
  const simulator = simulatorOf(deps.broker);
  if (!simulator || newest.size === 0) return nothing();
  const resting = await deps.orders.restingPaperOrders([...newest.keys()]);
  return fillCrossing(deps, simulator, resting, newest);
}

/**
 * Run after `recordPriceBatch`: matches the resting orders of the batch's tickers against each
 * ticker's newest stored price (not the batch's last bar: a back-filled batch of old bars must
 * not fill today's orders).
 */
export async function afterPriceBatch(deps: ExecutionDeps, bars: readonly PriceBar[]): Promise<RestingMatchResult> {
  const simulator = simulatorOf(deps.broker);
  if (!simulator || bars.length === 0) return nothing();
  const resting = await deps.orders.restingPaperOrders(bars.map((b) => b.ticker));
  const newest = new Map<string, Dec>();
  for (const ticker of new Set(resting.map((o) => o.ticker))) {
    const quote = await deps.broker.quote(ticker);
    if (quote) newest.set(ticker, quote.price);
  }
  return fillCrossing(deps, simulator, resting, newest);
}

async function fillCrossing(deps: ExecutionDeps, simulator: RestingOrderSimulator, resting: readonly StoredOrder[], newest: ReadonlyMap<string, Dec>): Promise<RestingMatchResult> {
  const result = nothing();
  const mayAdd = new Map<string, Promise<boolean>>();
  for (const order of resting) {
    const price = newest.get(order.ticker);
    const remaining = order.quantity - order.filledQuantity;
    if (!price || remaining <= 0) continue;
    try {
      // Paper fills take the whole remainder, so an order with fills is rare: only then ask how many it has.
      const fillsSoFar = order.filledQuantity === 0 || !order.brokerOrderId ? 0 : (await deps.broker.fills(order.brokerOrderId)).length;
      const brokerOrder: BrokerOrder = { orderId: order.id, accountId: order.accountId, side: order.side, ticker: order.ticker, quantity: order.quantity, orderType: order.orderType, limitPrice: order.limitPrice };
      const fill = simulator.fillIfCrossed(brokerOrder, price, remaining, fillsSoFar);
      if (!fill) continue;
      if (order.side === "BUY") {
        if (!mayAdd.has(order.accountId)) mayAdd.set(order.accountId, deps.killSwitch.store.status(order.accountId).then((s) => s?.state === "ACTIVE"));
        if (!(await mayAdd.get(order.accountId))) {
          result.held.push({ orderId: order.id, accountId: order.accountId, ticker: order.ticker, reason: "the account is halted: a resting BUY waits until trading resumes" });
          continue;
        }
      }
      const fills = await bookFills(deps, order.id, [fill]);
      if (fills.length > 0) result.filled.push({ orderId: order.id, accountId: order.accountId, ticker: order.ticker, side: order.side, fills });
    } catch (error) {
      result.failures.push({ orderId: order.id, ticker: order.ticker, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}

function simulatorOf(broker: Broker): RestingOrderSimulator | undefined {
  const candidate = broker as Broker & Partial<RestingOrderSimulator>;
  return broker.name === "paper" && typeof candidate.fillIfCrossed === "function" ? (candidate as RestingOrderSimulator) : undefined;
}
