import type { Dec } from "../../domain/decimal.js";
import { validateOrderRequest, type OrderRequest, type ValidOrder } from "../../domain/orders/order-request.js";
import { type PreTradeContext, preTradeChecks, type Refusal } from "../../domain/risk/pre-trade.js";
import { cleanText, cutToUnits } from "../../domain/text.js";
import type { KillSwitchDeps } from "../kill-switch/deps.js";
import { haltTrading } from "../kill-switch/halt-trading.js";
import { recordBrokerCall } from "../kill-switch/broker-calls.js";
import type { Broker, BrokerOrder, SubmitResult } from "../ports/broker.js";
import type { OrderStore, RecordedFill } from "../ports/order-store.js";
import type { RefusalLog } from "../ports/risk-history.js";
import type { TradingGate } from "../ports/trading-gate.js";
import { afterFills, bookEach, bookFillIn, bookFills } from "./book-fill.js";
import { whenAdmitted } from "./order-guard.js";
import { preTradeView } from "./pre-trade-view.js";

/**
 * What only the order path needs. The limits it shares with the kill switch (concentration,
 * daily order count, stale price) come from `killSwitch.thresholds`: one line, not two copies.
 */
export interface ExecutionSettings {
  priceCollarPct: number;
  slippageBps: number;
  commissionPerOrder: Dec;
  defaultStopPct: number;
}

export interface ExecutionDeps {
  gate: TradingGate;
  orders: OrderStore;
  broker: Broker;
  killSwitch: KillSwitchDeps;
  settings: ExecutionSettings;
  /** Where refusals are kept for the weekly review; absent in replays and benchmarks. */
  refusals?: RefusalLog;
  /**
   * The broker of each account when accounts use different ones (paper for shadow, KIS for
   * live); absent, every account uses `broker`.
   */
  brokers?: { forAccount(accountId: string): Promise<Broker> };
}

/** The broker an account's orders go to. */
export function brokerOf(deps: ExecutionDeps, accountId: string): Promise<Broker> {
  return deps.brokers ? deps.brokers.forAccount(accountId) : Promise.resolve(deps.broker);
}

export type OrderOutcome =
  | { status: "invalid"; errors: string[] }
  /** A dry run (`checkOnly`) that every pre-trade check passed; nothing was recorded. */
  | { status: "would_pass" }
  | { status: "refused"; refusals: Refusal[]; halted: boolean }
  | { status: "duplicate"; orderId: string }
  | { status: "filled" | "partially_filled"; orderId: string; fills: RecordedFill[] }
  | { status: "resting"; orderId: string }
  | { status: "rejected"; orderId: string; reason: string }
  | { status: "unknown"; orderId: string; detail: string };

/**
 * The one path every order takes, whatever its source (operator, War Room, stop-loss, replay):
 * validate -> (inside the kill-switch lock) idempotency, pre-trade checks, record -> broker ->
 * book the fills (positions, cash, realised P&L) -> re-evaluate the triggers -> notify.
 * Approval happens before this: an approved proposal calls it with its proposal id.
 */
export async function executeOrder(deps: ExecutionDeps, request: OrderRequest, options: { checkOnly?: boolean } = {}): Promise<OrderOutcome> {
  const validation = validateOrderRequest(request);
  if (!validation.ok) return { status: "invalid", errors: validation.errors };
  const order = validation.order;
  const { calendar, clock } = deps.killSwitch;
  const now = clock.now();
  const tradingDay = calendar.tradingDayOf(now);
  const marketOpen = calendar.isMarketOpen(now);
  // A replay plays history on the calendar it has; live orders need a calendar that vouches for today.
  const calendarVouched = order.source === "replay" ? undefined : calendar.vouchesFor(tradingDay);
  const broker = await brokerOf(deps, order.accountId);
  // A real broker's own buying power is read before the account is locked: no broker call is ever made under the lock.
  const brokerBuyingPower = await readBrokerBuyingPower(deps, broker, order);

  // A SELL may enter the guard while halted; inside, it must prove that it only reduces risk.
  const gated = await whenAdmitted(deps.gate, order.accountId, order.side === "SELL", async (tx, state) => {
    const view = preTradeView(await tx.preTradeRows(order.ticker, tradingDay, order.idempotencyKey));
    if (view.existing) return { kind: "duplicate" as const, orderId: view.existing.id };
    const refusals = preTradeChecks(order, {
      killSwitch: state,
      phase: view.phase,
      mode: view.accountMode,
      equity: view.equity,
      cash: view.cash,
      phaseStartEquity: view.phaseStartEquity,
      positions: view.positions,
      lastPrice: view.lastPrice,
      priceTime: view.priceTime,
      marketOpen,
      ordersToday: view.ordersToday,
      duplicate: false,
      commission: deps.settings.commissionPerOrder,
      slippageBps: deps.settings.slippageBps,
      now,
      limits: { ...deps.killSwitch.thresholds, priceCollarPct: deps.settings.priceCollarPct },
      ...(calendarVouched === undefined ? {} : { calendarVouched }),
      ...(brokerBuyingPower === undefined ? {} : { brokerBuyingPower }),
    });
    if (refusals.length > 0) return { kind: "refused" as const, refusals };
    if (options.checkOnly) return { kind: "checked" as const };
    const orderId = await tx.insertOrder({ ...order, tradingDay });
    if (!orderId) throw new Error("the order's idempotency key was taken while the account was locked");
    const quote = view.lastPrice && view.priceTime ? { price: view.lastPrice, at: view.priceTime } : undefined;
    if (broker.fillsInline) {
      // A simulated broker decides without I/O: book its fill in this same transaction.
      const result = brokerText(await broker.submit(brokerOrder(order, orderId), { cash: view.cash, quote }));
      if (result.status === "filled") {
        const booked = await bookEach(result.fills, (fill) => bookFillIn(tx, orderId, fill, deps.settings.defaultStopPct, result.brokerOrderId));
        return { kind: "filled" as const, orderId, booked };
      }
      // Its answer is committed with the order: no crash can leave a simulated order without one.
      await tx.markSubmission(orderId, submissionOf(result));
      return { kind: "answered" as const, orderId, result };
    }
    return { kind: "recorded" as const, orderId, cash: view.cash, quote };
  });

  if (!gated.allowed) {
    const code = gated.state === "HALTED" ? "kill_switch_halted" : "kill_switch_unknown";
    const message = gated.state === "HALTED" ? `trading is halted: ${gated.reason}` : gated.reason;
    await noteRefusal(deps, order, [{ code, message }], options.checkOnly === true);
    return { status: "refused", refusals: [{ code, message }], halted: false };
  }
  const step = gated.value;
  if (step.kind === "duplicate") return { status: "duplicate", orderId: step.orderId };
  if (step.kind === "checked") return { status: "would_pass" };
  if (step.kind === "filled") {
    await afterFills(deps, step.booked);
    return filledOutcome(step.orderId, step.booked);
  }
  if (step.kind === "answered") return answeredOutcome(step.orderId, step.result);
  if (step.kind === "refused") {
    // The 21st order of the day is refused and halts the account (DESIGN.md section 3); a dry run only reports.
    const overLimit = options.checkOnly ? undefined : step.refusals.find((r) => r.code === "daily_trade_limit");
    await noteRefusal(deps, order, step.refusals, options.checkOnly === true);
    if (overLimit) await haltTrading(deps.killSwitch, { accountId: order.accountId, reason: overLimit.message, actor: `system:${order.source}`, trigger: "daily_trade_limit" });
    return { status: "refused", refusals: step.refusals, halted: overLimit !== undefined };
  }
  let result: SubmitResult;
  try {
    result = brokerText(await broker.submit(brokerOrder(order, step.orderId), { cash: step.cash, quote: step.quote }));
  } catch (error) {
    // Not knowing whether the broker took the order is not the same as a rejection: never resubmit, reconcile.
    result = brokerText({ status: "unknown", detail: error instanceof Error ? error.message : String(error) });
  }
  // An answer, even a refusal, is a working broker; no answer is a failed call.
  await recordBrokerCall(deps.killSwitch, order.accountId, result.status !== "unknown");
  return settleAnswer(deps, step.orderId, result);
}

/**
 * What a real broker lets a BUY use (KIS: inquire-psamount), at the order's limit or, for a
 * market order, at the price the broker would send it at. A failed query is recorded as a failed
 * broker call and becomes the reason the BUY is refused (fail closed). Paper brokers and sells
 * are not asked.
 */
async function readBrokerBuyingPower(deps: ExecutionDeps, broker: Broker, order: ValidOrder): Promise<PreTradeContext["brokerBuyingPower"]> {
  if (order.side !== "BUY" || broker.fillsInline || !broker.buyingPower) return undefined;
  try {
    const power = await broker.buyingPower({ ticker: order.ticker, ...(order.limitPrice ? { price: order.limitPrice } : {}) });
    await recordBrokerCall(deps.killSwitch, order.accountId, true);
    return { cash: power.cash, maxQuantity: power.maxQuantity };
  } catch (error) {
    await recordBrokerCall(deps.killSwitch, order.accountId, false);
    const text = (error as { operatorText?: unknown }).operatorText;
    return { error: cleanBrokerText(typeof text === "string" ? text : error instanceof Error ? error.message : String(error)) };
  }
}

/** Keeps the refusal for the weekly review. Losing that record must never change the order's outcome. */
async function noteRefusal(deps: ExecutionDeps, order: ValidOrder, refusals: readonly Refusal[], dryRun: boolean): Promise<void> {
  await deps.refusals?.record({ accountId: order.accountId, source: order.source, side: order.side, ticker: order.ticker, quantity: order.quantity, refusals, requestedBy: order.requestedBy, dryRun }).catch(() => undefined);
}

function brokerOrder(order: ValidOrder, orderId: string): BrokerOrder {
  return { orderId, accountId: order.accountId, side: order.side, ticker: order.ticker, quantity: order.quantity, orderType: order.orderType, limitPrice: order.limitPrice };
}

function filledOutcome(orderId: string, fills: RecordedFill[]): OrderOutcome {
  return { status: fills.at(-1)?.orderStatus === "partially_filled" ? "partially_filled" : "filled", orderId, fills };
}

/** Longest broker text kept (a rejection reason, an error): enough for any real message. */
const BROKER_TEXT_UNITS = 500;

/**
 * A broker's words are text from outside: NUL and control characters out (PostgreSQL refuses
 * 0x00, which would leave the order without its answer), cut on a character boundary.
 */
function cleanBrokerText(text: string): string {
  return cutToUnits(cleanText(text), BROKER_TEXT_UNITS);
}

/** The broker's answer with its words cleaned (cleanBrokerText). */
function brokerText(result: SubmitResult): SubmitResult {
  if (result.status === "rejected") return { ...result, reason: cleanBrokerText(result.reason) };
  if (result.status === "unknown") return { ...result, detail: cleanBrokerText(result.detail) };
  return result;
}

type Unfilled = Exclude<SubmitResult, { status: "filled" }>;

/** How an answer other than a fill is recorded on the order. */
function submissionOf(result: Unfilled): { status: "submitted" | "rejected" | "unknown"; brokerOrderId?: string; reason?: string } {
  switch (result.status) {
    case "accepted":
      return { status: "submitted", brokerOrderId: result.brokerOrderId };
    case "rejected":
      return { status: "rejected", reason: result.reason };
    case "unknown":
      return { status: "unknown", reason: result.detail };
  }
}

/** The outcome of an answer other than a fill, once it is recorded on the order. */
function answeredOutcome(orderId: string, result: Unfilled): OrderOutcome {
  switch (result.status) {
    case "accepted":
      return { status: "resting", orderId };
    case "rejected":
      return { status: "rejected", orderId, reason: result.reason };
    case "unknown":
      return { status: "unknown", orderId, detail: result.detail };
  }
}

/** Records what the broker answered for an order it did not fill inline. */
async function settleAnswer(deps: ExecutionDeps, orderId: string, result: SubmitResult): Promise<OrderOutcome> {
  // The fill's own transaction records the broker's order id: one commit fewer per order.
  if (result.status === "filled") return filledOutcome(orderId, await bookFills(deps, orderId, result.fills, result.brokerOrderId));
  await deps.orders.markSubmission(orderId, submissionOf(result));
  return answeredOutcome(orderId, result);
}
