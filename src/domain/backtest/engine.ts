import { Dec } from "../decimal.js";
import { evaluateTriggers, type TriggerThresholds, withUnit } from "../kill-switch/triggers.js";
import { preTradeChecks } from "../risk/pre-trade.js";
import type { Side, Signal, Trigger } from "../vocabulary.js";
import { DEFAULT_SCORING, weightsFrom } from "../warroom/track-record.js";
import type { WarRoomNews, WarRoomSignal } from "../warroom/types.js";
import { createAgentScoreboard, type AgentRecord } from "./agent-scoreboard.js";
import type { BacktestBar } from "./bar.js";
import { BacktestBook } from "./book.js";
import { type BacktestFill, type CostModel, commissionFor, mostSharesAtOpen, validateCosts } from "./costs.js";
import { executeOnNextBar } from "./execution.js";
import { createHaltSwitch, type HaltEvent, type HaltPolicy } from "./halt-policy.js";
import { checkStop } from "./stops.js";
import type { BacktestStrategy } from "./strategies.js";

/**
 * One portfolio backtest, pure and in memory, through the desk's own rules. Each trading day:
 *
 * 1. Before the open: the halt policy may resume a halted book; then, ticker by ticker (in the
 *    order given), the strategy decides on the closes before today and the book as it stands,
 *    the order passes the desk's pre-trade checks (kill switch, buying power, concentration,
 *    daily trade limit, ...) and a passed order fills at today's open with slippage and
 *    commission (execution.ts): signal on bar t, fill on bar t+1. A BUY that the open makes
 *    dearer than the cash is cut to what the cash pays for.
 * 2. During the session, after every ticker's open: each held ticker's stop is checked against the bar's low, including on
 *    the bar a BUY filled on (stops.ts: at the stop, or at the open when the bar gaps through).
 *    A stop exit only reduces risk, so it passes while halted, as live.
 * 3. At the close: positions are marked, and the kill switch's triggers are evaluated on the
 *    book (start-of-day equity is the previous close's, the peak every close so far); a trigger
 *    that fires halts the book. Votes whose horizon closed are judged, so the chair's weights
 *    learn as live.
 *
 * Stale data and API errors cannot fire: a daily bar is the newest price, and no broker is called.
 */

export interface BacktestSeries {
  ticker: string;
  /** Bars before the first session, oldest first: history the strategy reads, never traded on. */
  warmup: readonly BacktestBar[];
  /** Bars in the run, oldest first. */
  bars: readonly BacktestBar[];
  /** Signals about the ticker (for the signals agent), any order; each is seen from its createdAt on. */
  signals?: readonly WarRoomSignal[];
  /** Headlines about the ticker (for the sentiment agent), any order; each is seen from its publishedAt on. */
  news?: readonly WarRoomNews[];
}

export interface BacktestConfig {
  capital: Dec;
  costs: CostModel;
  haltPolicy: HaltPolicy;
  strategy: BacktestStrategy;
  thresholds: TriggerThresholds;
  priceCollarPct: number;
  /** A new position's stop when the strategy names none: DEFAULT_STOP_LOSS_PCT under the entry. */
  defaultStopPct: number;
  /** Judged votes an agent needs before its record weighs (live: 20). */
  minScoredForWeight: number;
  /** The instants of a session's decision (before the open) and close, for a trading day. */
  sessionTimes(day: string): { decide: Date; close: Date };
}

export interface BacktestTrade {
  date: string;
  ticker: string;
  source: "strategy" | "stop-loss";
  side: Side;
  quantity: number;
  fill: BacktestFill;
  realizedPnl: Dec;
  /** The stop held after the fill (null when flat). */
  stopAfter: Dec | null;
  reason: string;
}

export interface BacktestRefusal {
  date: string;
  ticker: string;
  side: Side;
  quantity: number;
  codes: string[];
  messages: string[];
}

export interface BacktestHalt extends HaltEvent {
  /** The firing reading, "-10.3774% vs limit -10%"; empty for a resume. */
  reading: string;
}

export interface BacktestDay {
  day: string;
  /** Trading was allowed at the open. */
  allowed: boolean;
  cash: Dec;
  positionsValue: Dec;
  equity: Dec;
  haltedAtClose: boolean;
}

export interface BacktestRun {
  trades: BacktestTrade[];
  refusals: BacktestRefusal[];
  halts: BacktestHalt[];
  days: BacktestDay[];
  decisions: Record<Signal, number>;
  agents: AgentRecord[];
  sessions: number;
  allowedDays: number;
  final: { cash: Dec; equity: Dec; halted: boolean; positions: { ticker: string; quantity: number; costBasis: Dec; realizedPnl: Dec; lastClose: Dec | null; stop: Dec | null }[] };
}

interface Cursor {
  series: BacktestSeries;
  /** Warm-up and run closes, oldest first, for the strategy's window. */
  closes: { day: string; close: Dec }[];
  byDay: Map<string, { bar: BacktestBar; index: number }>;
  signals: KnownSoFar<WarRoomSignal>;
  news: KnownSoFar<WarRoomNews>;
}

/** As many signals and headlines as a live War Room session reads (src/app/warroom/gather.ts). */
const SIGNALS_READ = 20;
const HEADLINES_READ = 30;

/** Items in time order, handed out as known at an instant: the newest `limit` stamped at or before it. Instants must not go back. */
interface KnownSoFar<T> {
  at(now: Date): readonly T[];
}

function knownSoFar<T>(items: readonly T[], stamp: (item: T) => Date, limit: number): KnownSoFar<T> {
  const sorted = [...items].sort((a, b) => stamp(a).getTime() - stamp(b).getTime());
  let known = 0;
  return {
    at(now) {
      while (known < sorted.length && stamp(sorted[known]!) <= now) known += 1;
      return sorted.slice(Math.max(0, known - limit), known);
    },
  };
}

export function runBacktest(series: readonly BacktestSeries[], days: readonly string[], config: BacktestConfig): BacktestRun {
  validateCosts(config.costs);
  const { strategy, thresholds, costs } = config;
  const book = new BacktestBook(config.capital, series.map((s) => s.ticker), config.defaultStopPct);
  const halt = createHaltSwitch(config.haltPolicy);
  const scoreboard = createAgentScoreboard(DEFAULT_SCORING);
  const run: BacktestRun = { trades: [], refusals: [], halts: [], days: [], decisions: { BUY: 0, SELL: 0, HOLD: 0 }, agents: [], sessions: 0, allowedDays: 0, final: undefined! };
  const cursors: Cursor[] = series.map((s) => ({
    series: s,
    closes: [...s.warmup, ...s.bars].map((b) => ({ day: b.date, close: b.close })),
    byDay: new Map(s.bars.map((bar, i) => [bar.date, { bar, index: s.warmup.length + i }])),
    signals: knownSoFar(s.signals ?? [], (x) => x.createdAt, SIGNALS_READ),
    news: knownSoFar(s.news ?? [], (x) => x.publishedAt, HEADLINES_READ),
  }));
  // Warm-up bars are history: the book values a ticker at its last close before the run.
  for (const c of cursors) {
    const last = c.series.warmup.at(-1);
    if (last) book.mark(c.series.ticker, last.close, config.sessionTimes(last.date).close);
  }
  let startOfDay = config.capital;
  let peak = config.capital;
  let weights = weightsFrom([], config.minScoredForWeight);

  for (const day of days) {
    const { decide: decideAt, close: closeAt } = config.sessionTimes(day);
    const open = halt.openSession(day);
    if (open.resumed) run.halts.push({ ...open.resumed, reading: "" });
    let ordersToday = 0;
    const record = (ticker: string, source: BacktestTrade["source"], fill: BacktestFill, stop: Dec | null, reason: string) => {
      const realizedPnl = book.book(ticker, fill, stop);
      ordersToday += 1;
      run.trades.push({ date: day, ticker, source, side: fill.side, quantity: fill.quantity, fill, realizedPnl, stopAfter: book.stopOf(ticker), reason });
    };

    for (const c of cursors) {
      const today = c.byDay.get(day);
      if (!today) continue;
      const ticker = c.series.ticker;
      // 1. Before the open: decide on what was known, check, fill at the open.
      const window = c.closes.slice(Math.max(0, today.index - strategy.lookback), today.index);
      const heldQuantity = book.held(ticker);
      // The book as it stands before this ticker's open: the decision and its checks read the same.
      const equityNow = book.equity();
      const decision = strategy.decide({
        ticker,
        date: day,
        now: decideAt,
        closes: window,
        priceTime: book.closeTime(ticker),
        signals: c.signals.at(decideAt),
        news: c.news.at(decideAt),
        account: { equity: equityNow, cash: book.cash, heldQuantity, positionValue: book.valueOf(ticker), halted: halt.isHalted(), ordersToday },
        limits: { concentrationPct: thresholds.concentrationPct, dailyTradeLimit: thresholds.dailyTradeLimit, staleDataSeconds: thresholds.staleDataSeconds },
        weights,
      });
      run.decisions[decision.action] += 1;
      if (decision.votes.length > 0) scoreboard.cast(ticker, today.index, decision.votes, decision.action, window.at(-1)?.close ?? null);
      if (decision.action !== "HOLD" && decision.quantity > 0) {
        const side: Side = decision.action;
        const refusals = preTradeChecks(
          { side, ticker, quantity: decision.quantity, orderType: "market", limitPrice: null },
          {
            killSwitch: halt.isHalted() ? "HALTED" : "ACTIVE",
            phase: "shadow",
            mode: "shadow",
            equity: equityNow,
            cash: book.cash,
            phaseStartEquity: config.capital,
            positions: book.preTradePositions(),
            lastPrice: book.lastClose(ticker),
            priceTime: book.closeTime(ticker),
            marketOpen: false,
            ordersToday,
            duplicate: false,
            // A quantity that is not whole shares is refused by the check itself (invalid_quantity).
            commission: Number.isSafeInteger(decision.quantity) && decision.quantity > 0 ? commissionFor(costs, decision.quantity) : new Dec(0),
            slippageBps: costs.slippageBps,
            now: decideAt,
            limits: { concentrationPct: thresholds.concentrationPct, dailyTradeLimit: thresholds.dailyTradeLimit, priceCollarPct: config.priceCollarPct, staleDataSeconds: thresholds.staleDataSeconds },
          },
        );
        if (refusals.length > 0) {
          run.refusals.push({ date: day, ticker, side, quantity: decision.quantity, codes: refusals.map((r) => r.code), messages: refusals.map((r) => r.message) });
        } else {
          const decidedOn = window.at(-1)?.day;
          const fill = decidedOn ? fillAtOpen(side, decision.quantity, decidedOn, today.bar, costs, book.cash) : null;
          if (fill && "fill" in fill) record(ticker, "strategy", fill.fill, decision.stop, fill.trimmed ? `${decision.reason}; cut to ${fill.fill.quantity} (at the open ${today.bar.open.toFixed(2)} the order costs more than the cash)` : decision.reason);
          else run.refusals.push({ date: day, ticker, side, quantity: decision.quantity, codes: [fill ? "buying_power" : "no_price"], messages: [fill?.why ?? "no earlier bar to decide on"] });
        }
      }
    }

    // 2. During the session, once every ticker's open is done (a stop's cash is not there at the open): the stops, on the fill bar too.
    for (const c of cursors) {
      const today = c.byDay.get(day);
      const ticker = c.series.ticker;
      const stop = book.stopOf(ticker);
      const held = book.held(ticker);
      if (!today || held === 0 || !stop) continue;
      const check = checkStop({ quantity: held, stop }, today.bar, costs);
      if (check.hit) record(ticker, "stop-loss", check.fill, null, check.kind === "gap" ? `gapped through the stop ${stop.toFixed(2)}: sold at the open` : `the low reached the stop ${stop.toFixed(2)}`);
    }

    // 3. At the close: mark, judge the votes whose horizon ended, check the kill switch.
    for (const c of cursors) {
      const today = c.byDay.get(day);
      if (!today) continue;
      book.mark(c.series.ticker, today.bar.close, closeAt);
      scoreboard.closed(c.series.ticker, today.index, today.bar.close);
    }
    weights = weightsFrom(scoreboard.accuracy(), config.minScoredForWeight);
    const equity = book.equity();
    if (equity.gt(peak)) peak = equity;
    const readings = evaluateTriggers(book.snapshot({ startOfDayEquity: startOfDay, peakEquity: peak, ordersToday, now: closeAt }), thresholds);
    for (const r of readings.filter((x) => x.fired)) {
      const reading = `${withUnit(r.value, r.unit)} vs limit ${withUnit(r.threshold, r.unit)}${r.detail ? ` (${r.detail})` : ""}`;
      const trigger: Trigger = r.trigger;
      if (halt.halt(day, trigger, `${trigger}: ${reading}`) === "halted") run.halts.push({ ...halt.events().at(-1)!, reading });
    }
    run.days.push({ day, allowed: open.allowed, cash: book.cash, positionsValue: equity.minus(book.cash), equity, haltedAtClose: halt.isHalted() });
    startOfDay = equity;
  }

  run.agents = scoreboard.records();
  run.sessions = halt.sessions();
  run.allowedDays = halt.allowedDays();
  run.final = {
    cash: book.cash,
    equity: book.equity(),
    halted: halt.isHalted(),
    positions: [...book.positions.values()].map((p) => ({ ticker: p.position.ticker, quantity: p.position.quantity, costBasis: p.position.costBasis, realizedPnl: p.position.realizedPnl, lastClose: p.lastClose, stop: p.stop })),
  };
  return run;
}

/**
 * A passed market order at the bar's open. A BUY the open makes dearer than the cash is cut to
 * the most shares the cash pays for (commission included), as a broker would reject the rest.
 */
function fillAtOpen(side: Side, quantity: number, decidedOn: string, bar: BacktestBar, costs: CostModel, cash: Dec): { fill: BacktestFill; trimmed: boolean } | { why: string } {
  const outcome = executeOnNextBar({ decidedOn, side, quantity }, bar, costs);
  if (!outcome.filled) return { why: outcome.detail };
  if (side === "SELL" || outcome.fill.net.neg().lte(cash)) return { fill: outcome.fill, trimmed: false };
  const cut = mostSharesAtOpen({ date: bar.date, open: bar.open, budget: cash, costs, atMost: quantity - 1 });
  return cut ? { fill: cut, trimmed: true } : { why: `at the open ${bar.open.toFixed(2)} not one share fits the cash $${cash.toFixed(2)}` };
}
