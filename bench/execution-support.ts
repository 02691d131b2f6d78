/**
 * Support for bench/execution.ts: the order path's dependencies as the integration tests build
 * them (PaperBroker, TradingGateRepository, OrderRepository, the kill-switch repositories, a
 * RecordingNotifier and a clock), each port behind a thin timing layer, and the ledger
 * reconciliation that checks what the timed runs booked.
 */
import { benchKillSwitch } from "./kill-switch-deps.js";
import type pg from "pg";
import type { DataSource } from "typeorm";
import { PaperBroker } from "../src/adapters/broker/paper/paper-broker.js";
import { KillSwitchRepository } from "../src/adapters/db/repositories/kill-switch-repository.js";
import { OrderRepository } from "../src/adapters/db/repositories/order-repository.js";
import { PriceRepository } from "../src/adapters/db/repositories/price-repository.js";
import { SnapshotRepository } from "../src/adapters/db/repositories/snapshot-repository.js";
import { TradingGateRepository } from "../src/adapters/db/repositories/trading-gate-repository.js";
import { RecordingNotifier } from "../src/adapters/notifier/recording-notifier.js";
import type { Alert } from "../src/app/ports/notifier.js";
import type { ExecutionDeps, OrderOutcome } from "../src/app/orders/execute-order.js";
import type { Broker } from "../src/app/ports/broker.js";
import type { KillSwitchStore } from "../src/app/ports/kill-switch-store.js";
import type { OrderStore } from "../src/app/ports/order-store.js";
import type { PriceStore } from "../src/app/ports/price-store.js";
import type { SnapshotSource } from "../src/app/ports/snapshot-source.js";
import type { TradingGate } from "../src/app/ports/trading-gate.js";
import type { ReplayAccountStore } from "../src/app/replay/run-replay.js";
import { Dec } from "../src/domain/decimal.js";
import { CASH_PLACES } from "../src/domain/portfolio/accounting.js";
import { THRESHOLDS } from "./risk-fixtures.js";
import { formatMs, summarize } from "./stats.js";

/** The steps of one order (and of one replayed bar), in the order the path takes them. */
export const STEPS = {
  guard: "guard tx: FOR UPDATE, idempotency, pre-trade view + checks, INSERT, COMMIT",
  broker: "paper broker submit (newest price)",
  markSubmission: "mark submitted (UPDATE, autocommit)",
  recordFill: "book fill tx: positions, cash, realised P&L, fills, order",
  orderGet: "re-read order (SELECT)",
  snapshot: "trigger re-check: snapshot read",
  lockedCheck: "trigger re-check: locked readings tx + COMMIT",
  quietReadings: "trigger re-check: quiet readings (UPDATE, autocommit)",
  notify: "notifier hand-off (RecordingNotifier)",
  priceUpsert: "price upsert + commit",
  holders: "accountIdsHolding",
  replayHolding: "replay: holding read (cash, position, stop)",
  endOfDay: "replay: end-of-day equity (INSERT, autocommit)",
} as const;
export type Step = keyof typeof STEPS;

/** Per-call durations of each port, for the whole phase (calls from concurrent orders included). */
export class StepTimer {
  private samples = new Map<Step, number[]>();

  async time<T>(step: Step, call: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    try {
      return await call();
    } finally {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const list = this.samples.get(step);
      if (list) list.push(ms);
      else this.samples.set(step, [ms]);
    }
  }

  reset(): void {
    this.samples.clear();
  }

  /** Total ms spent in the steps, all calls. */
  total(): number {
    let sum = 0;
    for (const list of this.samples.values()) for (const v of list) sum += v;
    return sum;
  }

  /**
   * One line per step seen: calls per unit, mean ms per unit (the sum of its calls / `units`),
   * and the per-call p50 / p99. The last line is what no port accounts for (in-process work:
   * validation, the trigger evaluation, awaiting), from `unitTotalMs`, the sum of the units' spans.
   */
  lines(units: number, unitLabel: string, unitTotalMs: number): string[] {
    const out: string[] = [];
    const head = `${"step".padEnd(66)} ${`calls/${unitLabel}`.padStart(11)} ${`ms/${unitLabel}`.padStart(10)}  ${"share".padStart(6)}   ${"per call p50".padStart(12)}  ${"p99".padStart(9)}`;
    out.push(head);
    for (const step of Object.keys(STEPS) as Step[]) {
      const list = this.samples.get(step);
      if (!list || list.length === 0) continue;
      const s = summarize(list);
      const sum = s.mean * s.n;
      out.push(
        `${STEPS[step].padEnd(66)} ${(s.n / units).toFixed(2).padStart(11)} ${(sum / units).toFixed(3).padStart(10)}  ${pct(sum, unitTotalMs).padStart(6)}   ${formatMs(s.p50).padStart(12)}  ${formatMs(s.p99).padStart(9)}`,
      );
    }
    const rest = unitTotalMs - this.total();
    out.push(`${"in process, outside the ports (validate, evaluate triggers, awaits)".padEnd(66)} ${"".padStart(11)} ${(rest / units).toFixed(3).padStart(10)}  ${pct(rest, unitTotalMs).padStart(6)}`);
    return out;
  }
}

function pct(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : "-";
}

/** A RecordingNotifier whose hand-offs are timed: the same object, so a replay can read its alerts. */
class TimedRecordingNotifier extends RecordingNotifier {
  constructor(private readonly timer: StepTimer) {
    super();
  }

  override notify(alert: Alert): Promise<void> {
    return this.timer.time("notify", () => super.notify(alert));
  }
}

export interface BenchDeps {
  deps: ExecutionDeps;
  prices: PriceStore;
  notifier: RecordingNotifier;
}

/**
 * ExecutionDeps as test/integration/execute-order.test.ts builds them (slippage 5 bps, $1
 * commission, 5% default stop, 10% collar, 300 s staleness, 30% concentration), each port timed
 * by `timer`. `dailyTradeLimit` is the kill switch's threshold, which the pre-trade check also uses.
 */
export function buildDeps(dataSource: DataSource, options: { clock: { now(): Date }; timer: StepTimer; dailyTradeLimit: number }): BenchDeps {
  const { clock, timer } = options;
  const notifier = new TimedRecordingNotifier(timer);
  const prices = timedPrices(new PriceRepository(dataSource), timer);
  const killSwitch = benchKillSwitch({
    dataSource,
    clock,
    notifier,
    thresholds: { ...THRESHOLDS, dailyTradeLimit: options.dailyTradeLimit },
    store: timedStore(new KillSwitchRepository(dataSource), timer),
    snapshots: timedSnapshots(new SnapshotRepository(dataSource), timer),
  });
  const paper = new PaperBroker({ prices, clock, slippageBps: 5, commissionPerOrder: new Dec("1"), book: { positions: () => Promise.resolve([]), fills: () => Promise.resolve([]) } });
  const deps: ExecutionDeps = {
    gate: timedGate(new TradingGateRepository(dataSource), timer),
    orders: timedOrders(new OrderRepository(dataSource), timer),
    broker: timedBroker(paper, timer),
    killSwitch,
    settings: { priceCollarPct: 10, slippageBps: 5, commissionPerOrder: new Dec("1"), defaultStopPct: 5 },
  };
  return { deps, prices, notifier };
}

function timedGate(gate: TradingGate, timer: StepTimer): TradingGate {
  return { lockAccount: (accountId, work) => timer.time("guard", () => gate.lockAccount(accountId, work)) };
}

function timedOrders(orders: OrderStore, timer: StepTimer): OrderStore {
  return {
    get: (orderId) => timer.time("orderGet", () => orders.get(orderId)),
    markSubmission: (orderId, update) => timer.time("markSubmission", () => orders.markSubmission(orderId, update)),
    workingBrokerOrders: () => orders.workingBrokerOrders(),
    unknownBrokerOrders: () => orders.unknownBrokerOrders(),
    isBrokerOrderLinked: (id) => orders.isBrokerOrderLinked(id),
    inTransaction: (work) => timer.time("recordFill", () => orders.inTransaction(work)),
    restingPaperOrders: (tickers) => orders.restingPaperOrders(tickers),
  };
}

function timedBroker(broker: Broker, timer: StepTimer): Broker {
  return {
    name: broker.name,
    fillsInline: broker.fillsInline,
    submit: (order, account) => timer.time("broker", () => broker.submit(order, account)),
    cancel: (id) => broker.cancel(id),
    quote: (ticker) => broker.quote(ticker),
    positions: (accountId) => broker.positions(accountId),
    fills: (id) => broker.fills(id),
  };
}

function timedPrices(prices: PriceStore, timer: StepTimer): PriceStore {
  return {
    latest: (ticker) => prices.latest(ticker),
    latestMany: (tickers) => prices.latestMany(tickers),
    upsert: (bars, onConflict) => timer.time("priceUpsert", () => prices.upsert(bars, onConflict)),
    followedTickers: (watchlist) => prices.followedTickers(watchlist),
    storedTimes: (ticker, times) => prices.storedTimes(ticker, times),
    recordTicks: (bars) => prices.recordTicks(bars),
  };
}

function timedStore(store: KillSwitchStore, timer: StepTimer): KillSwitchStore {
  return {
    accountIds: () => store.accountIds(),
    accountIdsHolding: (tickers) => timer.time("holders", () => store.accountIdsHolding(tickers)),
    status: (accountId) => store.status(accountId),
    withLock: (accountId, work) => timer.time("lockedCheck", () => store.withLock(accountId, work)),
    recordQuietReadings: (accountId, input) => timer.time("quietReadings", () => store.recordQuietReadings(accountId, input)),
    recordBrokerCall: (accountId, ok) => store.recordBrokerCall(accountId, ok),
    claimOverrideAttempt: (input) => store.claimOverrideAttempt(input),
    settleOverrideAttempt: (input) => store.settleOverrideAttempt(input),
  };
}

export function timedReplayAccounts(accounts: ReplayAccountStore, timer: StepTimer): ReplayAccountStore {
  return {
    createAccount: (input) => accounts.createAccount(input),
    holding: (accountId, ticker) => timer.time("replayHolding", () => accounts.holding(accountId, ticker)),
    recordEndOfDay: (record) => timer.time("endOfDay", () => accounts.recordEndOfDay(record)),
    endOfDayCurve: (accountId) => accounts.endOfDayCurve(accountId),
  };
}

function timedSnapshots(snapshots: SnapshotSource, timer: StepTimer): SnapshotSource {
  return { load: (request) => timer.time("snapshot", () => snapshots.load(request)) };
}

export interface Ledger {
  accounts: number;
  fills: number;
  /** Fills whose exact cash amount had fractions of a cent and was booked rounded (to the cent, half-up). */
  roundedFills: number;
  /** One line per account whose books do not add up; empty when all do. */
  problems: string[];
}

/**
 * Checks the books of `accountIds` against their fills table, in exact decimals:
 *   - cash = starting cash + the sum of the fills' net amounts (the booking rule of
 *     src/domain/portfolio/accounting.ts: gross and commission each to the cent, half-up, rounded
 *     once; net = -(gross + commission) for a BUY, gross - commission for a SELL), and each fill's
 *     net_amount is that rule applied to its own price, quantity and commission;
 *   - each position's quantity = bought - sold, and the realised P&L on an account's positions
 *     = the sum of its fills' realised P&L.
 */
export async function checkLedger(pool: pg.Pool, accountIds: readonly string[], startingCash: string): Promise<Ledger> {
  const problems: string[] = [];
  const [accounts, fills, positions] = await Promise.all([
    pool.query<{ id: string; cash: string }>("SELECT id, cash::text AS cash FROM accounts WHERE id = ANY($1::uuid[])", [accountIds]),
    pool.query<{ account_id: string; ticker: string; side: "BUY" | "SELL"; quantity: number; price: string; commission: string; net_amount: string; realized_pnl: string | null }>(
      "SELECT account_id, ticker, side, quantity, price::text AS price, commission::text AS commission, net_amount::text AS net_amount, realized_pnl::text AS realized_pnl FROM fills WHERE account_id = ANY($1::uuid[])",
      [accountIds],
    ),
    pool.query<{ account_id: string; ticker: string; quantity: number; realized_pnl: string }>(
      "SELECT account_id, ticker, quantity, realized_pnl::text AS realized_pnl FROM positions WHERE account_id = ANY($1::uuid[])",
      [accountIds],
    ),
  ]);
  const zero = new Dec(0);
  const expectedCash = new Map(accountIds.map((id) => [id, new Dec(startingCash)]));
  const realised = new Map<string, Dec>();
  const held = new Map<string, number>();
  let roundedFills = 0;
  for (const f of fills.rows) {
    const exactGross = new Dec(f.price).times(f.quantity);
    const gross = exactGross.toDecimalPlaces(CASH_PLACES, Dec.ROUND_HALF_UP);
    const commission = new Dec(f.commission).toDecimalPlaces(CASH_PLACES, Dec.ROUND_HALF_UP);
    const delta = f.side === "BUY" ? gross.plus(commission).neg() : gross.minus(commission);
    if (!gross.eq(exactGross)) roundedFills += 1;
    if (!delta.eq(f.net_amount)) problems.push(`fill of ${f.account_id}: net amount ${f.net_amount}, the rule says ${delta.toFixed(2)}`);
    const cash = expectedCash.get(f.account_id);
    if (!cash) {
      problems.push(`fill for unknown account ${f.account_id}`);
      continue;
    }
    expectedCash.set(f.account_id, cash.plus(delta));
    realised.set(f.account_id, (realised.get(f.account_id) ?? zero).plus(f.realized_pnl ?? 0));
    const key = `${f.account_id}/${f.ticker}`;
    held.set(key, (held.get(key) ?? 0) + (f.side === "BUY" ? f.quantity : -f.quantity));
  }
  for (const a of accounts.rows) {
    const expected = expectedCash.get(a.id) ?? zero;
    if (!new Dec(a.cash).eq(expected)) problems.push(`account ${a.id}: cash ${a.cash}, fills say ${expected.toFixed()}`);
  }
  if (accounts.rows.length !== accountIds.length) problems.push(`${accounts.rows.length} of ${accountIds.length} accounts found`);
  const positionPnl = new Map<string, Dec>();
  for (const p of positions.rows) {
    const key = `${p.account_id}/${p.ticker}`;
    if ((held.get(key) ?? 0) !== p.quantity) problems.push(`position ${key}: ${p.quantity} held, fills say ${held.get(key) ?? 0}`);
    held.delete(key);
    positionPnl.set(p.account_id, (positionPnl.get(p.account_id) ?? zero).plus(p.realized_pnl));
  }
  for (const [key, quantity] of held) if (quantity !== 0) problems.push(`position ${key}: none recorded, fills say ${quantity}`);
  for (const id of accountIds) {
    const fromFills = realised.get(id) ?? zero;
    const fromPositions = positionPnl.get(id) ?? zero;
    if (!fromFills.eq(fromPositions)) problems.push(`account ${id}: realised P&L ${fromPositions.toFixed()} on positions, ${fromFills.toFixed()} from fills`);
  }
  return { accounts: accounts.rows.length, fills: fills.rows.length, roundedFills, problems };
}

export interface Reconciliation extends Ledger {
  orders: number;
  filledOutcomes: number;
  bookedFills: number;
  fillAlerts: number;
}

/**
 * The books after a run whose outcomes are `outcomes`: every outcome is "filled", one order row per
 * outcome, exactly one fill in the fills table per filled outcome (as many as the outcomes carried,
 * and as many fill alerts), and the ledger of checkLedger.
 */
export async function reconcile(pool: pg.Pool, accountIds: readonly string[], startingCash: string, outcomes: readonly OrderOutcome[], notifier: RecordingNotifier): Promise<Reconciliation> {
  const ledger = await checkLedger(pool, accountIds, startingCash);
  const problems = [...ledger.problems];
  const notFilled = new Map<string, number>();
  let filledOutcomes = 0;
  let bookedFills = 0;
  for (const o of outcomes) {
    if (o.status === "filled") {
      filledOutcomes += 1;
      bookedFills += o.fills.length;
    } else notFilled.set(o.status, (notFilled.get(o.status) ?? 0) + 1);
  }
  if (notFilled.size > 0) problems.push(`outcomes other than filled: ${[...notFilled].map(([s, n]) => `${s}=${n}`).join(", ")}`);
  const orders = await pool.query<{ status: string; n: number }>("SELECT status, count(*)::int AS n FROM orders WHERE account_id = ANY($1::uuid[]) GROUP BY status ORDER BY status", [accountIds]);
  const orderCount = orders.rows.reduce((sum, r) => sum + r.n, 0);
  if (orders.rows.some((r) => r.status !== "filled")) problems.push(`orders by status: ${orders.rows.map((r) => `${r.status}=${r.n}`).join(", ")}`);
  if (orderCount !== outcomes.length) problems.push(`${orderCount} orders recorded for ${outcomes.length} outcomes`);
  if (ledger.fills !== filledOutcomes || bookedFills !== filledOutcomes) problems.push(`${ledger.fills} fills in the table, ${bookedFills} booked by ${filledOutcomes} filled outcomes`);
  const fillAlerts = notifier.alerts.filter((a) => a.kind === "fill").length;
  if (fillAlerts !== ledger.fills) problems.push(`${fillAlerts} fill alerts for ${ledger.fills} fills`);
  return { ...ledger, problems, orders: orderCount, filledOutcomes, bookedFills, fillAlerts };
}
