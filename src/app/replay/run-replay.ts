import { DateTime } from "luxon";
import type { Dec } from "../../domain/decimal.js";
import { computeMetrics, type EquityPoint, type Metrics } from "../../domain/metrics.js";
import { evaluatePromotionGate, type PromotionVerdict } from "../../domain/phase-gate.js";
import type { PriceBar } from "../../domain/prices.js";
import { smaCross, validateSmaCrossParams, type SmaCrossParams } from "../../domain/strategies/sma-cross.js";
import type { OrderSource, Side, Trigger } from "../../domain/vocabulary.js";
import { checkTriggers } from "../kill-switch/check-triggers.js";
import { withUnit } from "../../domain/kill-switch/triggers.js";
import { executeOrder, type ExecutionDeps } from "../orders/execute-order.js";
import type { Clock } from "../ports/clock.js";
import type { Alert, Notifier } from "../ports/notifier.js";
import type { PriceStore } from "../ports/price-store.js";
import { recordPriceBatch } from "../prices/record-price-batch.js";

/** The simulated "now": one mutable object that the kill switch, the order path and the paper broker all read. */
export class ReplayClock implements Clock {
  constructor(private current: Date = new Date(0)) {}
  now(): Date {
    return this.current;
  }
  set(at: Date): void {
    this.current = at;
  }
}

export interface ReplayHolding {
  cash: Dec;
  quantity: number;
  stopPrice: Dec | null;
}

export interface EndOfDayRecord {
  accountId: string;
  tradingDay: string;
  cash: Dec;
  positionsValue: Dec;
  takenAt: Date;
}

/** What a replay writes besides orders and prices. */
export interface ReplayAccountStore {
  /** A shadow account, ACTIVE, cash = capital; returns its id. */
  createAccount(input: { name: string; capital: Dec }): Promise<string>;
  holding(accountId: string, ticker: string): Promise<ReplayHolding>;
  recordEndOfDay(record: EndOfDayRecord): Promise<void>;
  endOfDayCurve(accountId: string): Promise<EquityPoint[]>;
}

export interface ReplayDeps {
  /** Its kill switch, broker and `clock` must share `clock` and `notifier` below. */
  execution: ExecutionDeps;
  prices: PriceStore;
  accounts: ReplayAccountStore;
  clock: ReplayClock;
  /** Collects the run's alerts; halts are read from it. */
  notifier: Notifier & { readonly alerts: readonly Alert[] };
  /** Real time: the run's name and its speed. */
  wallClock: Clock;
}

export interface ReplayRequest {
  ticker: string;
  /** Daily bars of `ticker` (any order, any range): the ones dated in [from, to] are replayed. */
  bars: readonly PriceBar[];
  from: string;
  to: string;
  capital: Dec;
  strategy: { name: "sma-cross"; params: SmaCrossParams };
}

/** One booked fill; `cash` is the net amount it moved (the books' rule: src/domain/portfolio/accounting.ts). */
export interface ReplayTrade { date: string; source: OrderSource; side: Side; quantity: number; price: Dec; commission: Dec; cash: Dec; realizedPnl: Dec; reason: string }
export interface ReplayRefusal { date: string; source: OrderSource; side: Side; quantity: number; status: string; codes: string[]; messages: string[] }
export interface ReplayHalt {
  date: string;
  trigger: Trigger | null;
  /** The firing reading, "-10.3774% vs limit -10%", or the halt's reason when it had none. */
  reading: string;
  reason: string;
  /** Trades booked before the halt: `trades.slice(tradesBefore)` came after it. */
  tradesBefore: number;
}

export interface ReplayResult {
  accountId: string;
  accountName: string;
  ticker: string;
  strategy: string;
  capital: Dec;
  firstBar: string;
  lastBar: string;
  bars: number;
  trades: ReplayTrade[];
  refusals: ReplayRefusal[];
  halts: ReplayHalt[];
  equityCurve: EquityPoint[];
  metrics: Metrics;
  /** Trading days replayed (one daily bar each): the promotion gate's days of record. */
  days: number;
  gate: PromotionVerdict;
  final: { cash: Dec; quantity: number; equity: Dec; halted: boolean };
  elapsedMs: number;
  barsPerSecond: number;
}

/** A request that cannot be replayed as asked; nothing was written. */
export class ReplayRequestError extends Error {
  override name = "ReplayRequestError";
}

/**
 * Replays daily bars through the desk's real path on a fresh shadow account: for each bar, the
 * morning check (fixes start-of-day equity at the previous close), the price batch at 16:00 (which
 * re-checks the kill switch, so a halt lands on the bar that causes it), the strategy's order and
 * the stop-loss exit through `executeOrder`, then the end-of-day equity. A halted account is never
 * resumed: buys are refused from then on, exits still pass.
 */
export async function runReplay(deps: ReplayDeps, request: ReplayRequest): Promise<ReplayResult> {
  const ks = deps.execution.killSwitch;
  if (ks.clock !== deps.clock || ks.notifier !== deps.notifier) throw new Error("the replay's kill switch must share its clock and notifier");
  const zone = ks.calendar.timeZone;
  const dateOf = (at: Date) => DateTime.fromJSDate(at, { zone }).toISODate()!;
  const ticker = request.ticker;
  const params = request.strategy.params;
  const problems = validateSmaCrossParams(params);
  if (request.from > request.to) problems.push(`from ${request.from} is after to ${request.to}`);
  if (!request.capital.gt(0)) problems.push("capital must be above 0");
  const bars = [...request.bars]
    .filter((b) => b.ticker === ticker && dateOf(b.time) >= request.from && dateOf(b.time) <= request.to)
    .sort((a, b) => a.time.getTime() - b.time.getTime());
  if (bars.length === 0) problems.push(`no ${ticker} bars between ${request.from} and ${request.to}`);
  if (problems.length > 0) throw new ReplayRequestError(problems.join("; "));
  // The desk prices a position at the ticker's newest stored bar: one dated after the replay's
  // first bar would let the run trade on prices from its future.
  const newest = await deps.prices.latest(ticker);
  if (newest && newest.time > bars[0]!.time) {
    throw new ReplayRequestError(
      `${ticker} already has prices up to ${dateOf(newest.time)} in this database, after the replay's first bar ${dateOf(bars[0]!.time)}: ` +
        "positions are valued at the newest bar, so run the replay on a database without later prices (a scratch DATA_DIR)",
    );
  }

  const started = deps.wallClock.now();
  const run = `${ticker}-${DateTime.fromJSDate(started, { zone: "utc" }).toFormat("yyyyLLdd'T'HHmmssSSS'Z'")}`;
  const accountName = `replay-${run}`;
  const accountId = await deps.accounts.createAccount({ name: accountName, capital: request.capital });
  const trades: ReplayTrade[] = [];
  const refusals: ReplayRefusal[] = [];
  const halts: ReplayHalt[] = [];
  let alertsSeen = deps.notifier.alerts.length;
  let date = "";

  const noteHalts = async () => {
    const fresh = deps.notifier.alerts.slice(alertsSeen);
    alertsSeen = deps.notifier.alerts.length;
    if (!fresh.some((a) => a.kind === "halted" && a.accountId === accountId)) return;
    const status = await ks.store.status(accountId);
    const firing = status?.lastReadings.find((r) => r.trigger === status.trigger && r.fired);
    const reading = firing ? `${withUnit(firing.value, firing.unit)} vs limit ${withUnit(firing.threshold, firing.unit)}` : (status?.reason ?? "unknown");
    halts.push({ date, trigger: status?.trigger ?? null, reading, reason: status?.reason ?? "", tradesBefore: trades.length });
  };

  const order = async (side: Side, quantity: number, source: OrderSource, key: string, reason: string) => {
    const outcome = await executeOrder(deps.execution, { accountId, idempotencyKey: key, source, side, ticker, quantity, requestedBy: "system:replay" });
    const refuse = (status: string, codes: string[], messages: string[]) => refusals.push({ date, source, side, quantity, status, codes, messages });
    switch (outcome.status) {
      case "filled":
      case "partially_filled":
        for (const f of outcome.fills) trades.push({ date, source, side: f.side, quantity: f.quantity, price: f.price, commission: f.commission, cash: f.netAmount, realizedPnl: f.realizedPnl, reason });
        break;
      case "refused":
        refuse("refused", outcome.refusals.map((r) => r.code), outcome.refusals.map((r) => r.message));
        break;
      case "invalid":
        refuse("invalid", ["invalid"], outcome.errors);
        break;
      case "rejected":
        refuse("rejected", ["broker_rejected"], [outcome.reason]);
        break;
      case "unknown":
        refuse("unknown", ["broker_unknown"], [outcome.detail]);
        break;
      default:
        refuse(outcome.status, [outcome.status], []);
    }
    await noteHalts();
  };

  const closes: Dec[] = [];
  for (const bar of bars) {
    date = dateOf(bar.time);
    // (a) Before the open: the day's first check fixes start-of-day equity at the previous close.
    // 09:29, not 09:30: at the open a held daily bar is 17.5 h old and stale_data would fire.
    deps.clock.set(DateTime.fromISO(date, { zone }).set({ hour: 9, minute: 29 }).toJSDate());
    await checkTriggers(ks, accountId, "schedule");
    await noteHalts();
    // (b) The bar arrives at 16:00: stored, then every holder's triggers are re-checked.
    deps.clock.set(bar.time);
    const batch = await recordPriceBatch({ prices: deps.prices, killSwitch: ks }, [bar]);
    const failed = batch.failures.find((f) => f.accountId === accountId);
    if (failed) throw new Error(`${date}: the kill-switch check failed: ${failed.error}`);
    await noteHalts();
    // (c) The strategy decides on the closes so far.
    closes.push(bar.close);
    let held = await deps.accounts.holding(accountId, ticker);
    const signal = smaCross({ closes, heldQuantity: held.quantity, equity: held.cash.plus(bar.close.times(held.quantity)), params });
    if (signal.action !== "HOLD") {
      await order(signal.action, signal.quantity, "replay", `replay-${run}-${date}`, signal.reason);
      held = await deps.accounts.holding(accountId, ticker);
    }
    // (d) Stop-loss: a close at or under the stop exits the whole position (passes while halted).
    if (held.quantity > 0 && held.stopPrice && held.stopPrice.gte(bar.close)) {
      await order("SELL", held.quantity, "stop-loss", `replay-${run}-${date}-stop`, `close ${bar.close.toFixed(2)} <= stop ${held.stopPrice.toFixed(2)}`);
      held = await deps.accounts.holding(accountId, ticker);
    }
    // (e) End-of-day equity.
    await deps.accounts.recordEndOfDay({ accountId, tradingDay: date, cash: held.cash, positionsValue: bar.close.times(held.quantity), takenAt: bar.time });
  }

  const elapsedMs = Math.max(1, deps.wallClock.now().getTime() - started.getTime());
  const equityCurve = await deps.accounts.endOfDayCurve(accountId);
  const metrics = computeMetrics({
    trades: trades.filter((t) => t.side === "SELL").map((t) => ({ pnl: t.realizedPnl })),
    equityCurve,
    startingEquity: request.capital,
  });
  const firstBar = dateOf(bars[0]!.time);
  const lastBar = dateOf(bars.at(-1)!.time);
  // The gate's days of record are trading days, as /phase counts them, not calendar days: here the
  // sessions replayed (a daily bar each). Not the calendar's count between the first and last bar,
  // which for years it does not vouch for (before NYSE_RULES_FIRST_YEAR) would count holidays, and
  // which would credit days a gap in the data never replayed.
  const days = new Set(bars.map((b) => dateOf(b.time))).size;
  const held = await deps.accounts.holding(accountId, ticker);
  const status = await ks.store.status(accountId);
  return {
    accountId,
    accountName,
    ticker,
    strategy: `sma-cross(fast ${params.fast}, slow ${params.slow}, size ${params.sizePct}%)`,
    capital: request.capital,
    firstBar,
    lastBar,
    bars: bars.length,
    trades,
    refusals,
    halts,
    equityCurve,
    metrics,
    days,
    gate: evaluatePromotionGate({ days, metrics }),
    final: { cash: held.cash, quantity: held.quantity, equity: held.cash.plus(bars.at(-1)!.close.times(held.quantity)), halted: status?.state !== "ACTIVE" },
    elapsedMs,
    barsPerSecond: (bars.length * 1000) / elapsedMs,
  };
}
