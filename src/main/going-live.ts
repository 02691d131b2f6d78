import type { Api } from "grammy";
import { KisBroker } from "../adapters/broker/kis/kis-broker.js";
import { KisError } from "../adapters/broker/kis/errors.js";
import { DeskReaderRepository } from "../adapters/db/repositories/desk-reader-repository.js";
import { LivePrepRepository } from "../adapters/db/repositories/live-prep-repository.js";
import { MirrorRepository } from "../adapters/db/repositories/mirror-repository.js";
import { TelegramNotifier } from "../adapters/telegram/telegram-notifier.js";
import type { BrokerProbe } from "../app/accounts/broker-check.js";
import type { GateVerdict } from "../app/accounts/change-phase.js";
import type { GoingLiveDeps } from "../app/accounts/live-prep.js";
import { trackingGateFor } from "../app/accounts/tracking-gate.js";
import type { Broker } from "../app/ports/broker.js";
import type { OperatorDirectory } from "../app/ports/operator-directory.js";
import type { Config } from "../config/load.js";
import type { Dec } from "../domain/decimal.js";
import type { TrackingTargets } from "../domain/tracking.js";
import type { Runtime } from "./runtime.js";
import type { Desk } from "./desk.js";

/** "5001****-01": the broker account as the desk shows and stores it (never the whole number). */
export function maskBrokerAccount(accountNo: string, productCode: string): string {
  return `${accountNo.slice(0, 4)}****-${productCode}`;
}

type KisLike = Pick<Broker, "quote" | "positions"> & { buyingPower?(q: { ticker: string }): Promise<{ cash: Dec }> };

/** KIS as the broker check reads it: each failure carries KIS's text for the operator, never a key. */
export function kisProbe(broker: KisLike, env: string): BrokerProbe {
  const operatorText = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw error instanceof KisError ? new Error(error.operatorText) : error;
    }
  };
  const probe: BrokerProbe = {
    label: `kis:${env}`,
    quote: (ticker) => operatorText(() => broker.quote(ticker)),
    positions: () => operatorText(() => broker.positions("")),
  };
  const buyingPower = broker.buyingPower?.bind(broker);
  if (buyingPower) probe.cash = (ticker) => operatorText(async () => (await buyingPower({ ticker })).cash);
  return probe;
}

/** TRACKING_ERROR_MAX_BPS and TRACKING_MIN_PAIRS: what the gate, /compare and the weekly report measure against. */
export function trackingTargets(config: Config): TrackingTargets {
  return { maxBps: config.risk.trackingErrorMaxBps, minPairs: config.risk.trackingMinPairs };
}

/** The tracking-error gate (TRACKING_ERROR_MAX_BPS, TRACKING_MIN_PAIRS) as the promotion reads it: failures in words. */
export function trackingGate(runtime: Pick<Runtime, "config" | "dataSource">): (accountId: string) => Promise<GateVerdict> {
  const deps = { reader: new DeskReaderRepository(runtime.dataSource), mirrors: new MirrorRepository(runtime.dataSource) };
  const targets = trackingTargets(runtime.config);
  return async (accountId) => {
    const verdict = await trackingGateFor(deps, accountId, targets);
    return { passed: verdict.passed, failures: verdict.checks.filter((c) => !c.passed).map((c) => `${c.label} ${c.value} (target ${c.target})`) };
  };
}

export function goingLiveSettings(config: Config): GoingLiveDeps["settings"] {
  const kis = config.broker.kis;
  return {
    fourEyes: config.risk.promotionFourEyes,
    expiryMinutes: config.risk.promotionExpiryMinutes,
    liveAccountName: config.risk.liveAccountName,
    brokerAccount: kis.accountNo ? maskBrokerAccount(kis.accountNo, kis.accountProductCode) : null,
  };
}

/** Going live for the bot process: the checklist's records, the check of the desk's live broker, alert deliveries over the bot's link. */
export function buildGoingLiveDeps(desk: Desk, link: { api: Api; operators: OperatorDirectory }): GoingLiveDeps {
  const kis = desk.kisBroker;
  return {
    store: new LivePrepRepository(desk.dataSource),
    reader: new DeskReaderRepository(desk.dataSource),
    operators: link.operators,
    policy: desk.approvals.policy,
    clock: desk.killSwitch.clock,
    settings: goingLiveSettings(desk.config),
    trackingGate: trackingGate(desk),
    notifier: desk.killSwitch.notifier,
    ...(kis instanceof KisBroker ? { broker: kisProbe(kis, desk.config.broker.kis.env) } : {}),
    alerts: new TelegramNotifier(link.api, link.operators, desk.log),
  };
}
