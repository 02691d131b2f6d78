import { createHttpMetrics, type HttpMetrics } from "../adapters/http/metrics.js";
import { LoggingNotifier } from "../adapters/notifier/logging-notifier.js";
import type { KillSwitchDeps } from "../app/kill-switch/deps.js";
import { buildKillSwitchDeps } from "./kill-switch-deps.js";
import type { Runtime } from "./runtime.js";

/** What every process of the desk shares, built once per process. */
export interface DeskServices {
  killSwitch: KillSwitchDeps;
  metrics: HttpMetrics;
}

export function buildDeskServices(runtime: Runtime): DeskServices {
  return {
    // Alerts go to the log until the Telegram notifier exists.
    killSwitch: buildKillSwitchDeps(runtime.config, runtime.dataSource, new LoggingNotifier(runtime.log)),
    metrics: createHttpMetrics(),
  };
}
