import { Dec } from "../decimal.js";
import type { AccountMode, KillSwitchState, OrderType, Phase, Side } from "../vocabulary.js";
import { limitsFor, lossSincePhaseStart } from "./phase-limits.js";

/** Why an order was refused before reaching a broker. The engine, not the check, refuses. */
export type RefusalCode =
  | "invalid_quantity"
  | "kill_switch_halted"
  | "kill_switch_unknown"
  | "phase_no_trading"
  | "phase_order_quantity"
  | "phase_capital"
  | "phase_position_size"
  | "phase_loss_limit"
  | "concentration"
  | "daily_trade_limit"
  | "buying_power"
  | "broker_buying_power"
  | "insufficient_position"
  | "price_collar"
  | "no_price"
  | "stale_price"
  | "duplicate"
  | "calendar_unknown";

export interface Refusal {
  code: RefusalCode;
  message: string;
}

export interface OrderIntent {
  side: Side;
  ticker: string;
  quantity: number;
  orderType: OrderType;
  limitPrice: Dec | null;
}

export interface PreTradeContext {
  /** "UNKNOWN" when the state could not be read: treated as halted (fail closed). */
  killSwitch: KillSwitchState | "UNKNOWN";
  phase: Phase;
  /** Shadow accounts trade under shadow's limits whatever their phase; undefined applies the phase's own. */
  mode?: AccountMode;
  equity: Dec;
  cash: Dec;
  /** Equity when the account entered its phase (for the phase loss limit). */
  phaseStartEquity: Dec;
  /** Quantity and value (at the last price) of each held ticker. */
  positions: ReadonlyMap<string, { quantity: number; value: Dec }>;
  lastPrice: Dec | null;
  priceTime: Date | null;
  marketOpen: boolean;
  ordersToday: number;
  /** An order with the same idempotency key already exists. */
  duplicate: boolean;
  /** Estimated commission of this order. */
  commission: Dec;
  slippageBps: number;
  now: Date;
  limits: { concentrationPct: number; dailyTradeLimit: number; priceCollarPct: number; staleDataSeconds: number };
  /**
   * false when the market calendar cannot vouch for the trading day (its rules are not known
   * to hold that year): market hours and stale prices would be guesses, so nothing adds
   * exposure. Undefined counts as vouched (replays of history, benchmarks).
   */
  calendarVouched?: boolean;
  /**
   * A real broker's own buying power for this BUY, read before the account was locked (KIS:
   * inquire-psamount), or why it could not be read (the BUY is then refused: fail closed).
   * Undefined where no broker is asked (paper accounts, sells).
   */
  brokerBuyingPower?: { cash: Dec; maxQuantity: number } | { error: string };
}

/**
 * An order that only sells shares the account holds can only reduce exposure: it passes the
 * kill switch and the exposure limits, so that a stop-loss exit or an operator's /close still
 * works while trading is halted.
 */
export function isRiskReducing(order: OrderIntent, ctx: Pick<PreTradeContext, "positions">): boolean {
  return order.side === "SELL" && validQuantity(order.quantity) && order.quantity <= (ctx.positions.get(order.ticker)?.quantity ?? 0);
}

function validQuantity(quantity: number): boolean {
  return Number.isSafeInteger(quantity) && quantity > 0;
}

/** A percentage for a refusal message, rounded away from the limit so "over" never reads as "at". */
function pct(value: Dec): string {
  return value.toDecimalPlaces(2, Dec.ROUND_UP).toFixed(2);
}

/** Every check that refuses the order, in the order an operator should read them; empty means it may go. */
export function preTradeChecks(order: OrderIntent, ctx: PreTradeContext): Refusal[] {
  const refusals: Refusal[] = [];
  const refuse = (code: RefusalCode, message: string) => refusals.push({ code, message });
  if (!validQuantity(order.quantity)) return [{ code: "invalid_quantity", message: `quantity must be a whole number of shares above 0, got ${order.quantity}` }];
  if (ctx.duplicate) refuse("duplicate", "an order with this idempotency key already exists");

  const reducing = isRiskReducing(order, ctx);
  if (order.side === "SELL" && !reducing) {
    const held = ctx.positions.get(order.ticker)?.quantity ?? 0;
    refuse("insufficient_position", `cannot sell ${order.quantity} ${order.ticker}: the account holds ${held} (short selling is not allowed)`);
  }

  if (!ctx.lastPrice) {
    refuse("no_price", `no price is known for ${order.ticker}`);
    return refusals;
  }
  const price = order.limitPrice ?? ctx.lastPrice;
  if (order.limitPrice) {
    const distance = order.limitPrice.minus(ctx.lastPrice).abs().div(ctx.lastPrice).times(100);
    if (distance.gt(ctx.limits.priceCollarPct)) {
      refuse("price_collar", `limit ${order.limitPrice.toFixed(2)} is ${pct(distance)}% from the last price ${ctx.lastPrice.toFixed(2)} (collar ${ctx.limits.priceCollarPct}%)`);
    }
  }
  if (reducing) return refusals;

  // From here on the order adds exposure.
  if (ctx.calendarVouched === false) {
    refuse("calendar_unknown", "the market calendar cannot vouch for today (no NYSE rules for this year): nothing adds exposure until War Room is updated");
  }
  if (ctx.killSwitch !== "ACTIVE") {
    refuse(ctx.killSwitch === "HALTED" ? "kill_switch_halted" : "kill_switch_unknown", ctx.killSwitch === "HALTED" ? "trading is halted" : "the kill-switch state could not be read, so trading is treated as halted");
  }
  // A price without a time cannot be shown to be fresh: fail closed, as the stale_data trigger does.
  if (ctx.marketOpen && (!ctx.priceTime || (ctx.now.getTime() - ctx.priceTime.getTime()) / 1000 > ctx.limits.staleDataSeconds)) {
    refuse("stale_price", ctx.priceTime ? `the last ${order.ticker} price is older than ${ctx.limits.staleDataSeconds} s` : `the last ${order.ticker} price has no time`);
  }
  if (ctx.ordersToday >= ctx.limits.dailyTradeLimit) {
    refuse("daily_trade_limit", `${ctx.ordersToday} orders already today (limit ${ctx.limits.dailyTradeLimit})`);
  }

  const notional = price.times(order.quantity);
  const cost = notional.times(new Dec(1).plus(new Dec(ctx.slippageBps).div(10_000))).plus(ctx.commission);
  if (cost.gt(ctx.cash)) refuse("buying_power", `needs about $${cost.toFixed(2)}, cash is $${ctx.cash.toFixed(2)}`);
  const brokerPower = brokerBuyingPowerRefusal(order, ctx.brokerBuyingPower, cost);
  if (brokerPower) refusals.push(brokerPower);

  const heldValue = ctx.positions.get(order.ticker)?.value ?? new Dec(0);
  const positionAfter = heldValue.plus(notional);
  if (ctx.equity.lte(0) || positionAfter.div(ctx.equity).times(100).gt(ctx.limits.concentrationPct)) {
    const share = ctx.equity.gt(0) ? pct(positionAfter.div(ctx.equity).times(100)) : "∞";
    refuse("concentration", `${order.ticker} would be ${share}% of equity (limit ${ctx.limits.concentrationPct}%)`);
  }

  refusals.push(...phaseRefusals(order, ctx, notional, positionAfter));
  return refusals;
}

function phaseRefusals(order: OrderIntent, ctx: PreTradeContext, notional: Dec, positionAfter: Dec): Refusal[] {
  const limits = limitsFor(ctx.mode, ctx.phase);
  const out: Refusal[] = [];
  if (!limits.trading) return [{ code: "phase_no_trading", message: `phase ${ctx.phase} places no orders (checklist only)` }];
  if (limits.maxSharesPerOrder !== null && order.quantity > limits.maxSharesPerOrder) {
    out.push({ code: "phase_order_quantity", message: `phase ${ctx.phase} allows ${limits.maxSharesPerOrder} share(s) per order` });
  }
  if (limits.capital !== null) {
    let exposure = notional;
    for (const p of ctx.positions.values()) exposure = exposure.plus(p.value);
    if (exposure.gt(limits.capital)) {
      out.push({ code: "phase_capital", message: `exposure would be $${exposure.toFixed(2)}, phase ${ctx.phase} allows $${limits.capital.toFixed(2)}` });
    }
  }
  if (limits.maxPositionValue !== null && positionAfter.gt(limits.maxPositionValue)) {
    out.push({ code: "phase_position_size", message: `${order.ticker} would be $${positionAfter.toFixed(2)}, phase ${ctx.phase} allows $${limits.maxPositionValue.toFixed(2)} per position` });
  }
  if (limits.lossLimit !== null && lossSincePhaseStart(ctx.phaseStartEquity, ctx.equity).gte(limits.lossLimit)) {
    out.push({ code: "phase_loss_limit", message: `the loss since phase ${ctx.phase} began reached $${limits.lossLimit.toFixed(2)}: trading stops` });
  }
  return out;
}

/** The broker's own buying power must cover the order's estimated cost and quantity; not knowing it refuses. */
function brokerBuyingPowerRefusal(order: OrderIntent, power: PreTradeContext["brokerBuyingPower"], cost: Dec): Refusal | undefined {
  if (!power) return undefined;
  if ("error" in power) return { code: "broker_buying_power", message: `the broker's buying power could not be read (${power.error}); no BUY without it` };
  if (cost.gt(power.cash)) return { code: "broker_buying_power", message: `needs about $${cost.toFixed(2)}, the broker lets this account buy for $${power.cash.toFixed(2)}` };
  if (order.quantity > power.maxQuantity) return { code: "broker_buying_power", message: `the broker accepts at most ${power.maxQuantity} ${order.ticker} now, not ${order.quantity}` };
  return undefined;
}
