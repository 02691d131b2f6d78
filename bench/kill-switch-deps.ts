import type { DataSource } from "typeorm";
import { KillSwitchRepository } from "../src/adapters/db/repositories/kill-switch-repository.js";
import { SnapshotRepository } from "../src/adapters/db/repositories/snapshot-repository.js";
import type { KillSwitchDeps } from "../src/app/kill-switch/deps.js";
import type { Notifier } from "../src/app/ports/notifier.js";
import type { TriggerThresholds } from "../src/domain/kill-switch/triggers.js";
import { createMarketCalendar } from "../src/domain/market-calendar.js";

/**
 * The kill switch the benchmarks run, on the bench database: the real repositories (or a bench's
 * timed wrappers of them), the NYSE calendar, no override code. One definition for every bench.
 */
export function benchKillSwitch(input: {
  dataSource: DataSource;
  clock: KillSwitchDeps["clock"];
  notifier: Notifier;
  thresholds: TriggerThresholds;
  store?: KillSwitchDeps["store"];
  snapshots?: KillSwitchDeps["snapshots"];
}): KillSwitchDeps {
  return {
    store: input.store ?? new KillSwitchRepository(input.dataSource),
    snapshots: input.snapshots ?? new SnapshotRepository(input.dataSource),
    notifier: input.notifier,
    calendar: createMarketCalendar(),
    clock: input.clock,
    thresholds: input.thresholds,
    resumePolicy: { maxAttempts: 3, lockoutMinutes: 15 },
    overrideCode: undefined,
  };
}
