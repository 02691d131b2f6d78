import { Dec } from "../../domain/decimal.js";
import { tradingDaysBetween, type MarketCalendar } from "../../domain/market-calendar.js";
import { computeMetrics, type ClosedTrade, type EquityPoint, type Metrics } from "../../domain/metrics.js";
import { evaluatePromotionGate, type PromotionVerdict } from "../../domain/phase-gate.js";
import { unrealizedPnl } from "../../domain/portfolio/accounting.js";
import { accountValuation, positionValue } from "../../domain/portfolio/valuation.js";
import { limitsFor } from "../../domain/risk/phase-limits.js";
import { stopStatus, type StopState } from "../../domain/stop-status.js";
import type { AccountMode, Phase } from "../../domain/vocabulary.js";
import type { Clock } from "../ports/clock.js";
import type { AccountSummary, DeskReader, PositionView } from "../ports/desk-reader.js";

/**
 * The /monitor and /phase read models: capital, positions against their stops, performance and
 * the phase's progress. Plain data, exact Decs, nothing rounded (the bot formats). Percentages
 * named *Pct are in percent (13.64 = 13.64%); the Metrics type keeps its fractions.
 */

export interface MonitorPosition {
  ticker: string;
  quantity: number;
  averagePrice: Dec;
  costBasis: Dec;
  /** Newest close and its time; null when the ticker has no price at all. */
  lastPrice: Dec | null;
  priceTime: Date | null;
  /** false: no price, so the position is valued at cost and has no P&L or stop reading. */
  priced: boolean;
  /** quantity * last, or the cost basis when unpriced. */
  marketValue: Dec;
  /** quantity * last - cost basis, to 4 places; null when unpriced. */
  unrealizedPnl: Dec | null;
  /** Unrealized P&L over cost basis, in percent; null when unpriced or at zero cost. */
  unrealizedPnlPct: Dec | null;
  stopPrice: Dec | null;
  /** (last - stop) / last, in percent; null without a stop or a price. */
  stopDistancePct: Dec | null;
  /** null: a stop with no price to judge it by (an unpriced position without a stop is "None"). */
  stopStatus: StopState | null;
}

export interface MonitorCapital {
  cash: Dec;
  /** Sum of market values, unpriced positions at cost. */
  positionsValue: Dec;
  equity: Dec;
  /** How many positions are valued at cost for want of a price: equity is then an estimate. */
  unpricedPositions: number;
  /** The day's start-of-day mark; null until the kill switch's first look at the trading day. */
  startOfDayEquity: Dec | null;
  dayPnl: Dec | null;
  dayPnlPct: Dec | null;
}

export interface MonitorTotals {
  costBasis: Dec;
  marketValue: Dec;
  /** Over priced positions only: an unpriced one has no P&L to add. */
  unrealizedPnl: Dec;
  unrealizedPnlPct: Dec | null;
}

export interface PhaseView {
  accountId: string;
  accountName: string;
  mode: AccountMode;
  phase: Phase;
  startedAt: Date;
  startEquity: Dec;
  /** Trading days of the phase so far, both ends counted: 1 on the trading day it began. */
  day: number;
  equity: Dec;
  /** Equity now minus the phase's start equity. */
  phasePnl: Dec;
  phasePnlPct: Dec | null;
  /** The phase's loss limit and what is left of it (<= 0: reached, trading stops); null when the phase has none. */
  lossLimit: Dec | null;
  lossLimitLeft: Dec | null;
  /** Closed trades and end-of-day equity since the phase began, from its start equity. */
  metrics: Metrics;
  /** The promotion gate out of shadow, on the phase's record; null in the other phases. */
  gate: PromotionVerdict | null;
}

export interface MonitorView {
  accountId: string;
  accountName: string;
  mode: AccountMode;
  phase: Phase;
  currency: string;
  asOf: Date;
  tradingDay: string;
  marketOpen: boolean;
  capital: MonitorCapital;
  positions: MonitorPosition[];
  totals: MonitorTotals;
  /** The account's whole record, from its starting capital. */
  metrics: Metrics;
  phaseView: PhaseView;
}

export interface MonitorDeps {
  reader: DeskReader;
  calendar: MarketCalendar;
  clock: Clock;
  /** A stop within this many percent of the last price is Near. */
  nearStopPct: Dec;
}

export type PhaseViewDeps = Omit<MonitorDeps, "nearStopPct">;

const HUNDRED = new Dec(100);
const ZERO = new Dec(0);

/** part / whole in percent; null when whole is not positive (nothing to be a percentage of). */
function pct(part: Dec, whole: Dec): Dec | null {
  return whole.gt(0) ? part.div(whole).times(HUNDRED) : null;
}

/** Undefined when the account does not exist. */
export async function buildMonitorView(deps: MonitorDeps, accountId: string): Promise<MonitorView | undefined> {
  const now = deps.clock.now();
  const tradingDay = deps.calendar.tradingDayOf(now);
  const [account, held, startOfDay, trades, curve] = await Promise.all([
    deps.reader.account(accountId),
    deps.reader.positions(accountId),
    deps.reader.startOfDayEquity(accountId, tradingDay),
    deps.reader.closedTrades(accountId),
    deps.reader.endOfDayCurve(accountId),
  ]);
  if (!account) return undefined;
  const positions = held.map((p) => monitorPosition(p, deps.nearStopPct));
  const totals = totalsOf(positions);
  const valuation = accountValuation(account.cash, held);
  const equity = valuation.equity;
  const dayPnl = startOfDay ? equity.minus(startOfDay) : null;
  return {
    accountId: account.id,
    accountName: account.name,
    mode: account.mode,
    phase: account.phase,
    currency: account.currency,
    asOf: now,
    tradingDay,
    marketOpen: deps.calendar.isMarketOpen(now),
    capital: {
      cash: account.cash,
      positionsValue: valuation.positionsValue,
      equity,
      unpricedPositions: valuation.unpricedPositions,
      startOfDayEquity: startOfDay,
      dayPnl,
      dayPnlPct: dayPnl && startOfDay ? pct(dayPnl, startOfDay) : null,
    },
    positions,
    totals,
    metrics: computeMetrics({ trades, equityCurve: curve, startingEquity: account.startingCapital }),
    // A phase that began with the account has the account's record: no need to read it twice.
    phaseView: await phaseViewOf(deps, account, equity, now, account.phaseStartedAt <= account.createdAt ? { trades, curve } : undefined),
  };
}

/** The /phase model on its own; undefined when the account does not exist. */
/** The monitor of every account, oldest account first. */
export async function buildMonitorViews(deps: MonitorDeps): Promise<MonitorView[]> {
  const views = await Promise.all((await deps.reader.accounts()).map((a) => buildMonitorView(deps, a.id)));
  return views.filter((v): v is MonitorView => v !== undefined);
}

export async function buildPhaseView(deps: PhaseViewDeps, accountId: string): Promise<PhaseView | undefined> {
  const [account, held] = await Promise.all([deps.reader.account(accountId), deps.reader.positions(accountId)]);
  if (!account) return undefined;
  return phaseViewOf(deps, account, equityOf(account.cash, held), deps.clock.now());
}

/** An account's equity now, valued as /monitor and /phase value it (one read of its positions, no record). */
export async function accountEquity(deps: Pick<PhaseViewDeps, "reader">, account: Pick<AccountSummary, "id" | "cash">): Promise<Dec> {
  return equityOf(account.cash, await deps.reader.positions(account.id));
}

/** The desk's one valuation (unpriced positions at cost), so the views, the kill switch and the gate never disagree on equity. */
function equityOf(cash: Dec, held: readonly PositionView[]): Dec {
  return accountValuation(cash, held).equity;
}

type PhaseRecord = { trades: ClosedTrade[]; curve: EquityPoint[] };

async function phaseViewOf(deps: PhaseViewDeps, account: AccountSummary, equity: Dec, now: Date, record?: PhaseRecord): Promise<PhaseView> {
  // The phase's own record: a phase restarts the count (days and metrics alike), so a gate
  // verdict never mixes the days of one phase with the trades of another.
  const since = account.phaseStartedAt;
  const [trades, curve] = record
    ? [record.trades, record.curve]
    : await Promise.all([deps.reader.closedTrades(account.id, since), deps.reader.endOfDayCurve(account.id, since)]);
  const metrics = computeMetrics({ trades, equityCurve: curve, startingEquity: account.phaseStartEquity });
  const day = tradingDaysBetween(deps.calendar, deps.calendar.tradingDayOf(since), deps.calendar.tradingDayOf(now));
  const phasePnl = equity.minus(account.phaseStartEquity);
  const lossLimit = limitsFor(account.mode, account.phase).lossLimit;
  return {
    accountId: account.id,
    accountName: account.name,
    mode: account.mode,
    phase: account.phase,
    startedAt: since,
    startEquity: account.phaseStartEquity,
    day,
    equity,
    phasePnl,
    phasePnlPct: pct(phasePnl, account.phaseStartEquity),
    lossLimit,
    // The pre-trade check stops trading once start - equity >= limit, i.e. once this is <= 0.
    lossLimitLeft: lossLimit ? lossLimit.plus(phasePnl) : null,
    metrics,
    gate: account.phase === "shadow" ? evaluatePromotionGate({ days: day, metrics }) : null,
  };
}

function monitorPosition(p: PositionView, nearStopPct: Dec): MonitorPosition {
  const base = {
    ticker: p.ticker,
    quantity: p.quantity,
    averagePrice: p.averagePrice,
    costBasis: p.costBasis,
    lastPrice: p.lastPrice,
    priceTime: p.priceTime,
    marketValue: positionValue(p),
    stopPrice: p.stopPrice,
  };
  if (!p.lastPrice) {
    return { ...base, priced: false, unrealizedPnl: null, unrealizedPnlPct: null, stopDistancePct: null, stopStatus: p.stopPrice ? null : "None" };
  }
  const pnl = unrealizedPnl({ ticker: p.ticker, quantity: p.quantity, costBasis: p.costBasis, realizedPnl: p.realizedPnl }, p.lastPrice);
  const stop = stopStatus(p.lastPrice, p.stopPrice, nearStopPct);
  return { ...base, priced: true, unrealizedPnl: pnl, unrealizedPnlPct: pct(pnl, p.costBasis), stopDistancePct: stop.distancePct, stopStatus: stop.status };
}

function totalsOf(positions: readonly MonitorPosition[]): MonitorTotals {
  let costBasis = ZERO;
  let value = ZERO;
  let pnl = ZERO;
  let pricedCost = ZERO;
  for (const p of positions) {
    costBasis = costBasis.plus(p.costBasis);
    value = value.plus(p.marketValue);
    if (p.unrealizedPnl) {
      pnl = pnl.plus(p.unrealizedPnl);
      pricedCost = pricedCost.plus(p.costBasis);
    }
  }
  return { costBasis, marketValue: value, unrealizedPnl: pnl, unrealizedPnlPct: pct(pnl, pricedCost) };
}
