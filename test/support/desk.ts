import type { DataSource } from "typeorm";
import { PaperBroker, type PaperBrokerOptions } from "../../src/adapters/broker/paper/paper-broker.js";
import { KillSwitchRepository } from "../../src/adapters/db/repositories/kill-switch-repository.js";
import { OrderRepository } from "../../src/adapters/db/repositories/order-repository.js";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { SnapshotRepository } from "../../src/adapters/db/repositories/snapshot-repository.js";
import { TradingGateRepository } from "../../src/adapters/db/repositories/trading-gate-repository.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import type { KillSwitchDeps } from "../../src/app/kill-switch/deps.js";
import type { ExecutionDeps, ExecutionSettings } from "../../src/app/orders/execute-order.js";
import type { Clock } from "../../src/app/ports/clock.js";
import type { Notifier } from "../../src/app/ports/notifier.js";
import { Dec } from "../../src/domain/decimal.js";
import type { TriggerThresholds } from "../../src/domain/kill-switch/triggers.js";
import { createMarketCalendar } from "../../src/domain/market-calendar.js";
import type { PriceBar } from "../../src/domain/prices.js";

/** Tuesday 2026-11-24, 11:00 New York: the market is open. */
export const MARKET_OPEN = new Date("2026-11-24T16:00:00Z");

/** A paper book with no positions and no fills. */
export const EMPTY_BOOK: PaperBrokerOptions["book"] = { positions: () => Promise.resolve([]), fills: () => Promise.resolve([]) };

export type KillSwitchOverrides = Partial<Omit<KillSwitchDeps, "thresholds">> & { thresholds?: Partial<TriggerThresholds> };

/**
 * The kill-switch deps the integration tests use: the repositories on `dataSource`, a recording
 * notifier, a clock fixed at MARKET_OPEN and the desk's usual thresholds, without an override code.
 * An override left undefined keeps its default, except `overrideCode`, which is taken as given.
 */
export function killSwitchDeps(dataSource: DataSource, overrides: KillSwitchOverrides = {}): KillSwitchDeps {
  return {
    store: overrides.store ?? new KillSwitchRepository(dataSource),
    snapshots: overrides.snapshots ?? new SnapshotRepository(dataSource),
    notifier: overrides.notifier ?? new RecordingNotifier(),
    calendar: overrides.calendar ?? createMarketCalendar(),
    clock: overrides.clock ?? { now: () => MARKET_OPEN },
    thresholds: { dailyLossPct: 5, maxDrawdownPct: 10, apiErrorCount: 3, concentrationPct: 30, staleDataSeconds: 300, dailyTradeLimit: 20, ...overrides.thresholds },
    resumePolicy: overrides.resumePolicy ?? { maxAttempts: 3, lockoutMinutes: 15 },
    overrideCode: overrides.overrideCode,
  };
}

export interface ExecutionOptions {
  /** Shared by the broker and the kill switch; MARKET_OPEN when not given. */
  clock?: Clock;
  notifier?: Notifier;
  /** Both the broker's and the settings' slippage; 5 bps when not given. */
  slippageBps?: number;
  /** Both the broker's and the settings' commission per order; $1 when not given. */
  commission?: Dec;
  /** The paper broker's book; an empty one when not given. */
  book?: PaperBrokerOptions["book"];
  thresholds?: Partial<TriggerThresholds>;
  settings?: Partial<ExecutionSettings>;
}

/** The execution deps the integration tests use: a paper broker and killSwitchDeps on the same clock. */
export function executionDeps(dataSource: DataSource, options: ExecutionOptions = {}): ExecutionDeps {
  const clock = options.clock ?? { now: () => MARKET_OPEN };
  const slippageBps = options.slippageBps ?? 5;
  const commissionPerOrder = options.commission ?? new Dec("1");
  return {
    gate: new TradingGateRepository(dataSource),
    orders: new OrderRepository(dataSource),
    broker: new PaperBroker({ prices: new PriceRepository(dataSource), clock, slippageBps, commissionPerOrder, book: options.book ?? EMPTY_BOOK }),
    killSwitch: killSwitchDeps(dataSource, { clock, notifier: options.notifier, thresholds: options.thresholds }),
    settings: { priceCollarPct: 10, slippageBps, commissionPerOrder, defaultStopPct: 5, ...options.settings },
  };
}

/** A bar whose open, high, low and close are all `close`. */
export function flatBar(ticker: string, close: string, time: Date, source = "test"): PriceBar {
  const c = new Dec(close);
  return { ticker, time, open: c, high: c, low: c, close: c, adjClose: null, volume: 1n, source };
}

/** Stores one flat bar for `ticker` at `at`. */
export async function price(dataSource: DataSource, ticker: string, close: string, at: Date): Promise<void> {
  await new PriceRepository(dataSource).upsert([flatBar(ticker, close, at)], "update");
}
