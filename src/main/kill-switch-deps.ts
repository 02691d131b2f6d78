import type { DataSource } from "typeorm";
import { KillSwitchRepository } from "../adapters/db/repositories/kill-switch-repository.js";
import { SnapshotRepository } from "../adapters/db/repositories/snapshot-repository.js";
import { OverrideCodeVerifier } from "../adapters/security/override-code.js";
import type { KillSwitchDeps } from "../app/kill-switch/deps.js";
import type { Clock } from "../app/ports/clock.js";
import type { Notifier } from "../app/ports/notifier.js";
import type { Config } from "../config/load.js";
import type { Logger } from "../logger.js";
import { createMarketCalendar } from "../domain/market-calendar.js";

/**
 * The kill switch's dependencies from configuration: thresholds, lockout, override code. `log`
 * hears about a halt whose history could not be written (the HALTED row itself commits regardless).
 */
export function buildKillSwitchDeps(config: Config, dataSource: DataSource, notifier: Notifier, log: Pick<Logger, "error">, clock: Clock): KillSwitchDeps {
  const risk = config.risk;
  return {
    store: new KillSwitchRepository(dataSource, log),
    snapshots: new SnapshotRepository(dataSource),
    notifier,
    calendar: createMarketCalendar({ timeZone: risk.marketTimezone, extraHolidays: risk.marketClosures }),
    clock,
    thresholds: {
      dailyLossPct: risk.dailyLossPct,
      maxDrawdownPct: risk.maxDrawdownPct,
      apiErrorCount: risk.apiErrorCount,
      concentrationPct: risk.concentrationPct,
      staleDataSeconds: risk.staleDataSeconds,
      dailyTradeLimit: risk.dailyTradeLimit,
    },
    resumePolicy: { maxAttempts: risk.resumeMaxAttempts, lockoutMinutes: risk.resumeLockoutMinutes },
    // The constructor validates the stored hash, so a malformed OVERRIDE_CODE_HASH stops start-up.
    overrideCode: risk.overrideCodeHash ? new OverrideCodeVerifier(risk.overrideCodeHash) : undefined,
  };
}
