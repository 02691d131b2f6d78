import { Dec } from "../../domain/decimal.js";
import { checkTriggers, type CheckResult } from "../kill-switch/check-triggers.js";
import { matchRestingOrders } from "../orders/match-resting-orders.js";
import { scanStopLosses, type StopLossDeps } from "../orders/stop-loss-scan.js";

/** What followed stored prices: one account's kill-switch check, or one round of stops and resting limits. */
export interface CheckedBatch {
  kind: "checked";
  tickers: string[];
  checks: CheckResult[];
  halted: string[];
  stopExits: number;
  restingFills: number;
  failures: string[];
  checkedAt: number;
}

export interface PriceReactionsDeps {
  execution: StopLossDeps;
  log: { warn(obj: object, msg: string): void };
  /** Stops and resting limits are acted on outside exchange hours too (the replay keeps its own clock). */
  alwaysOpen?: boolean;
  /** Accounts checked at once (default 4): the rest of the pool stays free for storing prices. */
  concurrency?: number;
  emit(event: CheckedBatch): void;
}

/** A newly stored price and the one stored before it (undefined for a ticker's first). */
export interface PriceMove {
  ticker: string;
  close: Dec;
  previous: Dec | undefined;
}

/** A move this large (or a first price) sends the accounts holding the ticker to the front of the queue on their own. */
const URGENT_MOVE = new Dec("0.01");
/** Urgent tickers that get a holders query of their own per round, biggest move first. */
const OWN_QUERIES = 4;
/** An account is re-checked for small moves at most this often (ms); urgent moves are checked at once. */
const RECHECK_MS = 200;

/**
 * What the desk does after prices are stored, biggest move first. Every account holding a moved
 * ticker is queued for a kill-switch check, prioritised by the largest move among its tickers,
 * and a few workers take the most exposed account next: a crash on one ticker is checked before
 * twenty accounts whose prices wobbled, however busy the feed. Stops and resting paper limits of
 * the moved tickers run in a loop of their own beside the checks. An account queued again while
 * it waits is checked once, on the newest prices.
 */
export class PriceReactions {
  private readonly moves = new Map<string, Dec>();
  private readonly dirty = new Map<string, Dec>();
  private ordersDue = new Map<string, Dec>();
  private finding: Promise<void> | undefined;
  private ordering: Promise<void> | undefined;
  private readonly workers = new Set<Promise<void>>();
  private readonly lastChecked = new Map<string, number>();
  private wakeTimer: NodeJS.Timeout | undefined;
  private woken: Promise<void> = Promise.resolve();

  constructor(private readonly deps: PriceReactionsDeps) {}

  priced(moves: readonly PriceMove[]): void {
    for (const m of moves) {
      // A first price has no move to measure: urgent, but behind any real move of over 1%.
      const size = m.previous && m.previous.gt(0) ? m.close.div(m.previous).minus(1).abs() : URGENT_MOVE;
      this.moves.set(m.ticker, Dec.max(size, this.moves.get(m.ticker) ?? new Dec(0)));
      this.ordersDue.set(m.ticker, m.close);
    }
    this.kick();
  }

  /** Starts the loops that have work and are not running; a loop that just ended re-checks, so nothing is left behind. */
  private kick(): void {
    if (!this.finding && this.moves.size > 0) {
      this.finding = this.findHolders().finally(() => {
        this.finding = undefined;
        this.kick();
      });
    }
    if (!this.ordering && this.ordersDue.size > 0) {
      this.ordering = this.actOnOrders().finally(() => {
        this.ordering = undefined;
        this.kick();
      });
    }
    this.startWorkers();
  }

  /** Resolves when every queued check and order round is done. */
  async idle(): Promise<void> {
    while (this.finding || this.ordering || this.workers.size > 0 || this.dirty.size > 0) {
      if (this.finding || this.ordering || this.workers.size > 0) await Promise.all([this.finding, this.ordering, ...this.workers]);
      // Only deferred small moves are left: their wake-up starts the workers.
      else await this.woken;
    }
  }

  /** Urgent tickers get a holders query each, first; the others share one. */
  private async findHolders(): Promise<void> {
    while (this.moves.size > 0) {
      const moves = [...this.moves].sort((a, b) => b[1].comparedTo(a[1]));
      this.moves.clear();
      // The few biggest urgent moves get a query each; a flood of them (a market-wide drop, every
      // ticker's first price) would otherwise queue one query per ticker in front of the rest.
      const urgent = moves.filter(([, size]) => size.gte(URGENT_MOVE)).slice(0, OWN_QUERIES);
      const rest = moves.slice(urgent.length);
      const groups = [...urgent.map((m) => [m]), ...(rest.length > 0 ? [rest] : [])];
      for (const group of groups) {
        try {
          const accounts = await this.deps.execution.killSwitch.store.accountIdsHolding(group.map(([t]) => t));
          // A group's accounts take its biggest move (the group is sorted): never under-prioritised.
          const size = group[0]![1];
          for (const a of accounts) this.dirty.set(a, Dec.max(size, this.dirty.get(a) ?? new Dec(0)));
          this.startWorkers();
        } catch (error) {
          this.report([`holders of ${group.map(([t]) => t).join(", ")}: ${message(error)}`]);
        }
      }
    }
  }

  /**
   * Up to `concurrency` workers, plus one kept for urgent moves: a crash never waits for a
   * worker to finish an account whose prices barely moved.
   */
  private startWorkers(): void {
    const base = this.deps.concurrency ?? 4;
    for (;;) {
      const urgentLane = this.workers.size >= base;
      if (this.workers.size > base || !this.next(urgentLane, false)) break;
      const worker: Promise<void> = this.work(urgentLane).finally(() => {
        this.workers.delete(worker);
        this.startWorkers();
      });
      this.workers.add(worker);
    }
    this.wakeForDeferred();
  }

  private async work(urgentOnly: boolean): Promise<void> {
    for (;;) {
      const next = this.next(urgentOnly, true);
      if (!next) return;
      const failures: string[] = [];
      const checks: CheckResult[] = [];
      this.lastChecked.set(next, performance.now());
      try {
        checks.push(await checkTriggers(this.deps.execution.killSwitch, next, "price-batch"));
      } catch (error) {
        failures.push(`kill switch of ${next}: ${message(error)}`);
      }
      this.report(failures);
      this.deps.emit({ kind: "checked", tickers: [], checks, halted: checks.filter((c) => c.halted).map((c) => c.accountName), stopExits: 0, restingFills: 0, failures, checkedAt: performance.now() });
    }
  }

  /**
   * The most exposed account that may be checked now (taken off the queue when `take`): an
   * urgent move always may; a small one waits until the account's last check is RECHECK_MS old,
   * so twenty accounts wobbling on a busy feed cannot keep the workers from a crash.
   */
  private next(urgentOnly: boolean, take: boolean): string | undefined {
    const now = performance.now();
    let best: [string, Dec] | undefined;
    for (const entry of this.dirty) {
      const urgent = entry[1].gte(URGENT_MOVE);
      if (!urgent && (urgentOnly || now - (this.lastChecked.get(entry[0]) ?? -Infinity) < RECHECK_MS)) continue;
      if (!best || entry[1].gt(best[1])) best = entry;
    }
    if (best && take) this.dirty.delete(best[0]);
    return best?.[0];
  }

  /** Deferred small moves are picked up when their wait is over, even if no new price comes. */
  private wakeForDeferred(): void {
    if (this.wakeTimer || this.dirty.size === 0) return;
    let soonest = Infinity;
    for (const account of this.dirty.keys()) soonest = Math.min(soonest, (this.lastChecked.get(account) ?? -Infinity) + RECHECK_MS);
    const wait = Math.max(0, soonest - performance.now());
    if (!Number.isFinite(wait)) return;
    this.woken = new Promise((resolve) => {
      this.wakeTimer = setTimeout(() => {
        this.wakeTimer = undefined;
        this.startWorkers();
        resolve();
      }, wait);
      this.wakeTimer.unref();
    });
  }

  /** Stops and resting limits of the moved tickers, in market hours (they place and fill orders). */
  private async actOnOrders(): Promise<void> {
    const { killSwitch } = this.deps.execution;
    while (this.ordersDue.size > 0) {
      const newest = this.ordersDue;
      this.ordersDue = new Map();
      if (!this.deps.alwaysOpen && !killSwitch.calendar.isMarketOpen(killSwitch.clock.now())) continue;
      const tickers = [...newest.keys()];
      const failures: string[] = [];
      let stopExits = 0;
      let restingFills = 0;
      try {
        const scan = await scanStopLosses(this.deps.execution, tickers);
        stopExits = scan.actions.length;
        failures.push(...scan.failures.map((f) => `stop exit ${f.ticker}: ${f.error}`));
      } catch (error) {
        failures.push(`stops: ${message(error)}`);
      }
      try {
        const resting = await matchRestingOrders(this.deps.execution, newest);
        restingFills = resting.filled.length;
        failures.push(...resting.failures.map((f) => `resting order ${f.orderId}: ${f.error}`));
      } catch (error) {
        failures.push(`resting orders: ${message(error)}`);
      }
      this.report(failures);
      this.deps.emit({ kind: "checked", tickers, checks: [], halted: [], stopExits, restingFills, failures, checkedAt: performance.now() });
    }
  }

  /** The scheduled trigger check and stop-loss scan still run: a failure here is logged, not lost. */
  private report(failures: string[]): void {
    if (failures.length > 0) this.deps.log.warn({ failures }, "prices were stored but some checks after them failed; the scheduled checks will retry them");
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
