import { PaperBroker } from "../adapters/broker/paper/paper-broker.js";
import { OrderRepository } from "../adapters/db/repositories/order-repository.js";
import { PaperBookRepository } from "../adapters/db/repositories/paper-book-repository.js";
import { RiskHistoryRepository } from "../adapters/db/repositories/risk-history-repository.js";
import { PriceRepository } from "../adapters/db/repositories/price-repository.js";
import { TradingGateRepository } from "../adapters/db/repositories/trading-gate-repository.js";
import { createHttpMetrics, type HttpMetrics } from "../adapters/http/metrics.js";
import { LoggingNotifier } from "../adapters/notifier/logging-notifier.js";
import { AccountRepository } from "../adapters/db/repositories/account-repository.js";
import { ProposalRepository } from "../adapters/db/repositories/proposal-repository.js";
import type { Notifier } from "../app/ports/notifier.js";
import type { ApprovalDeps } from "../app/approvals/request-order.js";
import type { KillSwitchDeps } from "../app/kill-switch/deps.js";
import type { ExecutionDeps } from "../app/orders/execute-order.js";
import type { DataSource } from "typeorm";
import type { Config } from "../config/load.js";
import { Dec } from "../domain/decimal.js";
import { buildKillSwitchDeps } from "./kill-switch-deps.js";
import { brokersByAccount, kisBroker } from "./brokers.js";
import type { Runtime } from "./runtime.js";

/** What every process of the desk shares, built once per process. */
export interface DeskServices {
  killSwitch: KillSwitchDeps;
  /** The one order path: the paper broker for paper accounts, KIS for a live one (brokersByAccount). */
  execution: ExecutionDeps;
  /** Orders that wait for a trader: every transport goes through requestOrder. */
  approvals: ApprovalDeps;
  metrics: HttpMetrics;
}

/** Alerts go to the log, and to Telegram when the process runs a bot or can push to one. */
export function buildDeskServices(runtime: Runtime, notifier: Notifier = new LoggingNotifier(runtime.log)): DeskServices {
  const killSwitch = buildKillSwitchDeps(runtime.config, runtime.dataSource, notifier, runtime.log);
  const execution = buildExecutionDeps(runtime.config, runtime.dataSource, killSwitch);
  // Paper for shadow accounts, KIS for live ones (rejected with the reason when KIS is not configured).
  execution.brokers = brokersByAccount(runtime.dataSource, execution.broker, kisBroker(runtime.config, runtime.redis));
  return { killSwitch, execution, approvals: buildApprovalDeps(runtime, execution), metrics: createHttpMetrics() };
}

function buildApprovalDeps(runtime: Runtime, execution: ExecutionDeps): ApprovalDeps {
  const { config, dataSource } = runtime;
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
export function buildExecutionDeps(config: Config, dataSource: DataSource, killSwitch: KillSwitchDeps): ExecutionDeps {
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
