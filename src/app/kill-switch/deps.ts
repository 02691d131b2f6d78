import type { ResumePolicy } from "../../domain/kill-switch/kill-switch.js";
import type { TriggerThresholds } from "../../domain/kill-switch/triggers.js";
import type { MarketCalendar } from "../../domain/market-calendar.js";
import type { Clock } from "../ports/clock.js";
import type { KillSwitchStore } from "../ports/kill-switch-store.js";
import type { Notifier } from "../ports/notifier.js";
import type { SnapshotSource } from "../ports/snapshot-source.js";

/** What the kill-switch use cases need; one object built once in the composition root. */
export interface KillSwitchDeps {
  store: KillSwitchStore;
  snapshots: SnapshotSource;
  notifier: Notifier;
  calendar: MarketCalendar;
  clock: Clock;
  thresholds: TriggerThresholds;
  resumePolicy: ResumePolicy;
  /** Verifies an override code in constant time; undefined when none is configured (resume is then impossible). */
  overrideCode: { verify(code: string): Promise<boolean> } | undefined;
}
