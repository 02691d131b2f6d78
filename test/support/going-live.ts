import type { Api } from "grammy";
import type { DataSource } from "typeorm";
import { DeskReaderRepository } from "../../src/adapters/db/repositories/desk-reader-repository.js";
import { LivePrepRepository } from "../../src/adapters/db/repositories/live-prep-repository.js";
import { TelegramNotifier } from "../../src/adapters/notifier/telegram-notifier.js";
import type { BrokerProbe } from "../../src/app/accounts/broker-check.js";
import type { GateVerdict } from "../../src/app/accounts/change-phase.js";
import type { GoingLiveDeps } from "../../src/app/accounts/live-prep.js";
import type { Clock } from "../../src/app/ports/clock.js";
import type { Notifier } from "../../src/app/ports/notifier.js";
import type { OperatorDirectory } from "../../src/app/ports/operator-directory.js";
import type { ApprovalPolicy } from "../../src/domain/approvals.js";
import type { Logger } from "../../src/logger.js";

export interface GoingLiveOptions {
  /** The live broker `/phase check` reads (a KisBroker on the fake through kisProbe); none by default. */
  broker?: BrokerProbe;
  /** PROMOTION_FOUR_EYES; on by default, as in production. */
  fourEyes?: boolean;
  expiryMinutes?: number;
  liveAccountName?: string;
  /** The masked KIS account; "5001****-01" by default. */
  brokerAccount?: string | null;
  /** The tracking-error gate to leave micro; failing ("no mirrored pairs") by default. */
  trackingGate?: (accountId: string) => Promise<GateVerdict>;
}

export const NO_TRACKING: GateVerdict = { passed: false, failures: ["mirrored decisions filled on both sides n/a (target >= 10)"] };

/** The going-live dependencies on the test's clock, alerts and operators, as src/main/going-live.ts wires them. */
export function goingLiveDeps(
  dataSource: DataSource,
  desk: { clock: Clock; notifier: Notifier; operators: OperatorDirectory; policy: ApprovalPolicy; api?: Api; log?: Logger },
  options: GoingLiveOptions = {},
): GoingLiveDeps {
  return {
    store: new LivePrepRepository(dataSource),
    reader: new DeskReaderRepository(dataSource),
    operators: desk.operators,
    policy: desk.policy,
    clock: desk.clock,
    settings: {
      fourEyes: options.fourEyes ?? true,
      expiryMinutes: options.expiryMinutes ?? 60,
      liveAccountName: options.liveAccountName ?? "live",
      brokerAccount: options.brokerAccount === undefined ? "5001****-01" : options.brokerAccount,
    },
    trackingGate: options.trackingGate ?? (() => Promise.resolve(NO_TRACKING)),
    notifier: desk.notifier,
    ...(options.broker ? { broker: options.broker } : {}),
    ...(desk.api && desk.log ? { alerts: new TelegramNotifier(desk.api, desk.operators, desk.log) } : {}),
  };
}
