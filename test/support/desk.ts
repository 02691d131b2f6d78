import type { DataSource } from "typeorm";
import type { Redis } from "ioredis";
import { QueryCache } from "../../src/adapters/cache/query-cache.js";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import type { KillSwitchDeps } from "../../src/app/kill-switch/deps.js";
import type { ExecutionDeps } from "../../src/app/orders/execute-order.js";
import type { Broker } from "../../src/app/ports/broker.js";
import type { Clock } from "../../src/app/ports/clock.js";
import type { Notifier } from "../../src/app/ports/notifier.js";
import { loadConfig, type Config } from "../../src/config/load.js";
import { Dec } from "../../src/domain/decimal.js";
import type { TriggerThresholds } from "../../src/domain/kill-switch/triggers.js";
import type { PriceBar } from "../../src/domain/prices.js";
import { createLogger } from "../../src/logger.js";
import { brokersByAccount } from "../../src/main/brokers.js";
import { buildDesk, type Desk } from "../../src/main/desk.js";

/** Tuesday 2026-11-24, 11:00 New York: the market is open. */
export const MARKET_OPEN = new Date("2026-11-24T16:00:00Z");

/** A test's settings, in the desk's own terms; each becomes the environment variable production reads. */
export interface DeskOptions {
  /** Shared by the broker and the kill switch; MARKET_OPEN when not given. */
  clock?: Clock;
  /** Where alerts go; a RecordingNotifier when not given. */
  notifier?: Notifier;
  /** PAPER_SLIPPAGE_BPS; 5 when not given. */
  slippageBps?: number;
  /** PAPER_COMMISSION_PER_ORDER; $1 when not given. */
  commission?: Dec;
  /** KS_* thresholds; the desk's defaults when not given. */
  thresholds?: Partial<TriggerThresholds>;
  /** PRICE_COLLAR_PCT and DEFAULT_STOP_LOSS_PCT. */
  priceCollarPct?: number;
  defaultStopPct?: number;
  /** The override code's verifier (production builds it from OVERRIDE_CODE_HASH); none when not given. */
  overrideCode?: KillSwitchDeps["overrideCode"];
  /**
   * The live broker: a KIS broker on the fake, or a scripted one; KIS accounts' orders go to it.
   * "paper" stands the desk's paper simulator in for KIS (same settings and clock), for tests of
   * a live account's rules that do not speak KIS's protocol.
   */
  kisBroker?: Broker | "paper";
  /** Any other setting, as an environment variable (FOUR_EYES: "true", KIS_ENV: "real", ...). */
  env?: Record<string, string>;
  /** Redis for the parts that keep state there (the bot, the KIS token); none when not given. */
  redis?: Redis;
}

const THRESHOLD_VARIABLES: Record<keyof TriggerThresholds, string> = {
  dailyLossPct: "KS_DAILY_LOSS_PCT",
  maxDrawdownPct: "KS_MAX_DRAWDOWN_PCT",
  apiErrorCount: "KS_API_ERROR_COUNT",
  concentrationPct: "KS_CONCENTRATION_PCT",
  staleDataSeconds: "KS_STALE_DATA_SECONDS",
  dailyTradeLimit: "KS_DAILY_TRADE_LIMIT",
};

/** The configuration a test desk runs on: production's parser and defaults, with the test's settings as environment variables. */
export function testConfig(options: Omit<DeskOptions, "clock" | "notifier" | "overrideCode" | "kisBroker" | "redis"> = {}): Config {
  const env: Record<string, string> = { NODE_ENV: "test", LOG_LEVEL: "silent", PAPER_COMMISSION_PER_ORDER: "1" };
  if (options.slippageBps !== undefined) env.PAPER_SLIPPAGE_BPS = String(options.slippageBps);
  if (options.commission !== undefined) env.PAPER_COMMISSION_PER_ORDER = options.commission.toFixed();
  if (options.priceCollarPct !== undefined) env.PRICE_COLLAR_PCT = String(options.priceCollarPct);
  if (options.defaultStopPct !== undefined) env.DEFAULT_STOP_LOSS_PCT = String(options.defaultStopPct);
  for (const [key, value] of Object.entries(options.thresholds ?? {})) env[THRESHOLD_VARIABLES[key as keyof TriggerThresholds]] = String(value);
  // The War Room builds positions below the concentration line (a start-up rule): a test that lowers the line lowers the cap with it.
  const concentration = options.thresholds?.concentrationPct;
  if (concentration !== undefined && concentration <= 20) env.WARROOM_MAX_POSITION_PCT = String(concentration / 2);
  return loadConfig({ ...env, ...options.env });
}

/**
 * The desk as production builds it (src/main/desk.ts buildDesk) on the test's database: the
 * test replaces only the clock, where alerts go and the live broker.
 */
export function testDesk(dataSource: DataSource, options: DeskOptions = {}): Desk {
  const config = testConfig(options);
  const connections = {
    dataSource,
    redis: options.redis,
    log: createLogger("silent"),
    cache: new QueryCache({ ttlMs: config.cache.ttlSeconds * 1000, maxEntries: config.cache.maxEntries }),
  };
  const kisBroker = options.kisBroker === "paper" ? undefined : options.kisBroker;
  const desk = buildDesk(config, connections, { clock: options.clock ?? { now: () => MARKET_OPEN }, notifier: options.notifier ?? new RecordingNotifier(), ...(kisBroker ? { kisBroker } : {}) });
  // The desk's own paper broker takes the KIS accounts' orders too, routed as production routes them.
  if (options.kisBroker === "paper") desk.execution.brokers = brokersByAccount(dataSource, desk.execution.broker, desk.execution.broker);
  desk.killSwitch.overrideCode = options.overrideCode;
  return desk;
}

/**
 * A test that injects a fault replaces one part of the built kill switch (a store whose writes
 * fail, a snapshot that cannot be read); everything else is production's.
 */
export type KillSwitchOverrides = DeskOptions & Partial<Pick<KillSwitchDeps, "store" | "snapshots" | "calendar">>;

/** The kill switch as the desk builds it, on a clock fixed at MARKET_OPEN, without an override code unless given. */
export function killSwitchDeps(dataSource: DataSource, overrides: KillSwitchOverrides = {}): KillSwitchDeps {
  const { store, snapshots, calendar, ...options } = overrides;
  return { ...testDesk(dataSource, options).killSwitch, ...(store ? { store } : {}), ...(snapshots ? { snapshots } : {}), ...(calendar ? { calendar } : {}) };
}

/** The order path as the desk builds it: paper accounts on the paper broker, KIS accounts on `kisBroker`. */
export function executionDeps(dataSource: DataSource, options: DeskOptions = {}): ExecutionDeps {
  return testDesk(dataSource, options).execution;
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
