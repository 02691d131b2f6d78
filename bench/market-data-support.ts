/**
 * What bench/market-data.ts sets up and measures with: the desk's side of the pipeline (real
 * repositories on the bench database), the accounts it holds positions in, and the trackers
 * that turn the pipeline's events into per-tick latencies.
 */
import { benchKillSwitch } from "./kill-switch-deps.js";
import type pg from "pg";
import type { DataSource } from "typeorm";
import { OrderRepository } from "../src/adapters/db/repositories/order-repository.js";
import { PriceRepository } from "../src/adapters/db/repositories/price-repository.js";
import { StopLossRepository } from "../src/adapters/db/repositories/stop-loss-repository.js";
import { TradingGateRepository } from "../src/adapters/db/repositories/trading-gate-repository.js";
import { PaperBroker } from "../src/adapters/broker/paper/paper-broker.js";
import { RecordingNotifier } from "../src/adapters/notifier/recording-notifier.js";
import type { KillSwitchDeps } from "../src/app/kill-switch/deps.js";
import { TickPipeline, type PipelineEvent } from "../src/app/prices/tick-pipeline.js";
import { Dec } from "../src/domain/decimal.js";
import { NOW, THRESHOLDS } from "./risk-fixtures.js";

/** The desk's clock: NOW (a regular session) when the run starts, then real time. */
export function sessionClock(): { now(): Date } {
  const offset = Date.now() - NOW.getTime();
  return { now: () => new Date(Date.now() - offset) };
}

/** Durations of every store statement (ms), for the breakdown. */
export const storeStatementMs: number[] = [];

/** A pipeline on the real repositories, as the desk builds it in src/main/market-data.ts. */
export function deskPipeline(dataSource: DataSource, clock: { now(): Date }): { pipeline: TickPipeline; prices: PriceRepository; notifier: RecordingNotifier; killSwitch: KillSwitchDeps } {
  // The streaming process stores ticks on a connection of its own (openTickConnection, close).
  const prices = new PriceRepository(dataSource, { ownTickConnection: true });
  const notifier = new RecordingNotifier();
  const killSwitch = benchKillSwitch({ dataSource, clock, notifier, thresholds: THRESHOLDS });
  const broker = new PaperBroker({ prices, clock, slippageBps: 5, commissionPerOrder: new Dec("1"), book: { positions: () => Promise.resolve([]), fills: () => Promise.resolve([]) } });
  const execution = {
    gate: new TradingGateRepository(dataSource),
    orders: new OrderRepository(dataSource),
    broker,
    killSwitch,
    settings: { priceCollarPct: 10, slippageBps: 5, commissionPerOrder: new Dec("1"), defaultStopPct: 5 },
    positions: new StopLossRepository(dataSource),
  };
  const quiet = { warn: () => undefined, error: (o: object, m: string) => process.stderr.write(`pipeline: ${m} ${JSON.stringify(o)}\n`) };
  // The store statement timed on its own, to tell PostgreSQL's share of a tail from the pipeline's.
  const timed = Object.assign(Object.create(prices) as PriceRepository, {
    recordTicks: async (bars: Parameters<PriceRepository["recordTicks"]>[0]) => {
      const t = performance.now();
      await prices.recordTicks(bars);
      storeStatementMs.push(performance.now() - t);
    },
  });
  return { pipeline: new TickPipeline({ prices: timed, execution, log: quiet }), prices, notifier, killSwitch };
}

/**
 * The load accounts: each holds `perAccount` of the `tickers` (10 shares at 100) and 1,000,000
 * cash, so a random walk of a few tenths of a percent fires nothing. Every ticker gets
 * `historyDays` daily bars and a quote a minute before NOW.
 */
export async function seedLoadAccounts(pool: pg.Pool, names: readonly string[], tickers: readonly string[], perAccount: number, historyDays: number, createAccounts: (pool: pg.Pool, names: readonly string[], cash: string) => Promise<string[]>): Promise<string[]> {
  const ids = await createAccounts(pool, names, "1000000");
  const account: string[] = [];
  const ticker: string[] = [];
  ids.forEach((id, i) => {
    for (let k = 0; k < perAccount; k++) {
      account.push(id);
      ticker.push(tickers[(i * 5 + k) % tickers.length]!);
    }
  });
  await pool.query(
    `INSERT INTO positions (account_id, ticker, quantity, cost_basis) SELECT a, t, 10, 1000 FROM unnest($1::uuid[], $2::text[]) AS u(a, t)`,
    [account, ticker],
  );
  await pool.query(
    `INSERT INTO stock_prices (ticker, time, open, high, low, close, adj_close, volume, source)
     SELECT t, $2::timestamptz - d * interval '1 day', 100, 101, 99, 100, 100, 1000, 'bench' FROM unnest($1::text[]) AS t, generate_series(1, $3::int) AS d
     UNION ALL SELECT t, $2::timestamptz - interval '60 seconds', 100, 100, 100, 100, NULL, 1, 'bench' FROM unnest($1::text[]) AS t`,
    [tickers, NOW, historyDays],
  );
  return ids;
}

/**
 * Per-tick latency from the frame leaving the fake to the batch that stored it: every tick sent
 * is remembered by ticker and exchange time; a stored bar of that ticker whose newest trade is at
 * or after it stored it (bars are coalesced, so one bar settles many ticks).
 */
export class StoreLatency {
  readonly samples: number[] = [];
  private readonly waiting = new Map<string, { timeMs: number; sentAt: number }[]>();

  sent(ticker: string, timeMs: number, sentAt: number): void {
    const queue = this.waiting.get(ticker) ?? [];
    queue.push({ timeMs, sentAt });
    this.waiting.set(ticker, queue);
  }

  observe(event: PipelineEvent): void {
    if (event.kind !== "stored") return;
    for (const bar of event.stored) {
      const queue = this.waiting.get(bar.ticker);
      if (!queue) continue;
      let settled = 0;
      while (settled < queue.length && queue[settled]!.timeMs <= bar.time.getTime()) {
        this.samples.push(event.storedAt - queue[settled]!.sentAt);
        settled += 1;
      }
      queue.splice(0, settled);
    }
  }

  unsettled(): number {
    let n = 0;
    for (const q of this.waiting.values()) n += q.length;
    return n;
  }
}

/** Tick-to-halt: from the crash frame leaving the fake to the check that committed the account's halt, split at the store. */
export class HaltLatency {
  readonly samples: number[] = [];
  /** From the frame leaving the fake to the batch that stored the crash price. */
  readonly toStored: number[] = [];
  /** Every trial: when its frame left (performance clock), to stored and to halted (ms). */
  readonly trials: { sentAt: number; toStored: number; toHalt: number }[] = [];
  private readonly waiting = new Map<string, { ticker: string; sentAt: number; storedAt?: number; done: () => void }>();

  /** Resolves when the account halts; a crash not acted on within `timeoutMs` fails the run rather than hanging it. */
  expect(accountName: string, ticker: string, sentAt: number, timeoutMs = 30_000): Promise<void> {
    return new Promise((done, fail) => {
      const timer = setTimeout(() => {
        const w = this.waiting.get(accountName);
        this.waiting.delete(accountName);
        fail(new Error(`the crash trade of ${ticker} did not halt ${accountName} within ${timeoutMs / 1000} s (${w?.storedAt === undefined ? "its price was never stored" : "its price was stored"})`));
      }, timeoutMs);
      this.waiting.set(accountName, { ticker, sentAt, done: () => (clearTimeout(timer), done()) });
    });
  }

  observe(event: PipelineEvent): void {
    if (event.kind === "stored") {
      for (const w of this.waiting.values()) if (w.storedAt === undefined && event.stored.some((b) => b.ticker === w.ticker)) w.storedAt = event.storedAt;
      return;
    }
    for (const name of event.halted) {
      const w = this.waiting.get(name);
      if (!w) continue;
      this.samples.push(event.checkedAt - w.sentAt);
      if (w.storedAt !== undefined) this.toStored.push(w.storedAt - w.sentAt);
      this.trials.push({ sentAt: w.sentAt, toStored: (w.storedAt ?? NaN) - w.sentAt, toHalt: event.checkedAt - w.sentAt });
      this.waiting.delete(name);
      w.done();
    }
  }
}

/** Strictly increasing exchange times per ticker, on the desk's clock. */
export class TradeClock {
  private readonly last = new Map<string, number>();

  constructor(private readonly clock: { now(): Date }) {}

  next(ticker: string): number {
    const t = Math.max(this.clock.now().getTime(), (this.last.get(ticker) ?? 0) + 1);
    this.last.set(ticker, t);
    return t;
  }
}
