import type { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import { PaperBroker } from "../adapters/broker/paper/paper-broker.js";
import type { QueryCache } from "../adapters/cache/query-cache.js";
import { AccountRepository } from "../adapters/db/repositories/account-repository.js";
import { OrderRepository } from "../adapters/db/repositories/order-repository.js";
import { PaperBookRepository } from "../adapters/db/repositories/paper-book-repository.js";
import { PriceRepository } from "../adapters/db/repositories/price-repository.js";
import { ProposalRepository } from "../adapters/db/repositories/proposal-repository.js";
import { RiskHistoryRepository } from "../adapters/db/repositories/risk-history-repository.js";
import { TradingGateRepository } from "../adapters/db/repositories/trading-gate-repository.js";
import { createHttpMetrics, type HttpMetrics } from "../adapters/http/metrics.js";
import { LoggingNotifier } from "../adapters/notifier/logging-notifier.js";
import type { ApprovalDeps } from "../app/approvals/request-order.js";
import type { KillSwitchDeps } from "../app/kill-switch/deps.js";
import type { ExecutionDeps } from "../app/orders/execute-order.js";
import type { Broker } from "../app/ports/broker.js";
import { systemClock, type Clock } from "../app/ports/clock.js";
import type { Notifier } from "../app/ports/notifier.js";
import type { Config } from "../config/load.js";
import { Dec } from "../domain/decimal.js";
import type { Logger } from "../logger.js";
import { brokersByAccount, kisBroker } from "./brokers.js";
import { buildKillSwitchDeps } from "./kill-switch-deps.js";

/** What the desk is built on: open connections (bootRuntime opens them; a test opens its own). */
export interface DeskConnections {
  dataSource: DataSource;
  /** Absent in a process booted without Redis: the order path never needs it, the bot and the jobs do. */
  redis: Redis | undefined;
  log: Logger;
  cache: QueryCache;
}

/**
 * The only parts a caller may replace, all of them at the desk's edge: the clock (a replay's, a
 * test's), where alerts go (Telegram and the log in a bot process, the log alone elsewhere), and
 * the live broker (a KIS fake). Everything else is built from configuration, here, once.
 */
export interface DeskOverrides {
  clock?: Clock;
  notifier?: Notifier;
  kisBroker?: Broker;
}

/** What every process of the desk shares, built once per process by buildDesk. */
export interface DeskServices {
  killSwitch: KillSwitchDeps;
  /** The one order path: the paper broker for paper accounts, KIS for a live one (brokersByAccount). */
  execution: ExecutionDeps;
  /** Orders that wait for a trader: every transport goes through requestOrder. */
  approvals: ApprovalDeps;
  metrics: HttpMetrics;
}

/** The composed desk: its services and what they were built from, for the builders of the bot, the jobs and the War Room. */
export interface Desk extends DeskServices, DeskConnections {
  config: Config;
  /** The live broker (KIS, or what stands in for it): /phase check probes it. */
  kisBroker: Broker;
}

/**
 * The desk's one composition root: `npm start`, the bot, the worker, the replay and the tests
 * all build the kill switch, the order path and the approvals here, from configuration.
 */
export function buildDesk(config: Config, connections: DeskConnections, overrides: DeskOverrides = {}): Desk {
  const { dataSource, redis, log, cache } = connections;
  const notifier = overrides.notifier ?? new LoggingNotifier(log);
  const killSwitch = buildKillSwitchDeps(config, dataSource, notifier, log, overrides.clock ?? systemClock);
  const execution = buildExecutionDeps(config, dataSource, killSwitch);
  const kis = overrides.kisBroker ?? kisBroker(config, redis);
  // Paper for shadow accounts, KIS for live ones (rejected with the reason when KIS is not configured).
  execution.brokers = brokersByAccount(dataSource, execution.broker, kis);
  return { dataSource, redis, log, cache, config, kisBroker: kis, killSwitch, execution, approvals: buildApprovalDeps(config, dataSource, execution), metrics: createHttpMetrics() };
}

function buildApprovalDeps(config: Config, dataSource: DataSource, execution: ExecutionDeps): ApprovalDeps {
  const accounts = new AccountRepository(dataSource);
  return {
    execution,
    proposals: new ProposalRepository(dataSource),
    policy: { shadowRequiresApproval: config.risk.shadowRequiresApproval, fourEyes: config.risk.fourEyes },
    expiryMinutes: config.risk.approvalExpiryMinutes,
    accountMode: async (accountId) => (await accounts.phaseOf(accountId))?.mode,
  };
}

/** The order path on the paper broker, on the kill switch's clock (the system clock, or a replay's). */
function buildExecutionDeps(config: Config, dataSource: DataSource, killSwitch: KillSwitchDeps): ExecutionDeps {
  const commissionPerOrder = new Dec(config.broker.paperCommissionPerOrder);
  const broker = new PaperBroker({
    prices: new PriceRepository(dataSource),
    clock: killSwitch.clock,
    slippageBps: config.broker.paperSlippageBps,
    commissionPerOrder,
    book: new PaperBookRepository(dataSource),
  });
  return {
    gate: new TradingGateRepository(dataSource),
    orders: new OrderRepository(dataSource),
    broker,
    killSwitch,
    refusals: new RiskHistoryRepository(dataSource),
    settings: {
      priceCollarPct: config.risk.priceCollarPct,
      slippageBps: config.broker.paperSlippageBps,
      commissionPerOrder,
      defaultStopPct: config.risk.defaultStopLossPct,
    },
  };
}
