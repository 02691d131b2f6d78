import { z } from "zod";
import type { Notifier } from "../src/app/ports/notifier.js";
import type { SignalStore } from "../src/app/ports/signal-store.js";
import { pushSignalAlerts } from "../src/app/signals/push-signal-alerts.js";
import { scoreVotes, type ScoringPolicy } from "../src/app/warroom/score-votes.js";
import { runWarRoom, type WarRoomDeps } from "../src/app/warroom/session.js";
import type { JobDefinition } from "./registry.js";

const payload = z.object({}).strict();

/**
 * `warroom-scan`: a War Room session for every watchlist ticker, every 30 minutes in market
 * hours, decided on the reference (first shadow) account; an actionable decision is mirrored to
 * every eligible account, one proposal each.
 */
export function warroomScanJob(deps: WarRoomDeps & { watchlist: readonly string[] }): JobDefinition<z.infer<typeof payload>, "warroom-scan"> {
  return {
    name: "warroom-scan",
    payload,
    schedule: { every: 30 * 60_000 },
    async process() {
      const now = deps.killSwitch.clock.now();
      if (deps.watchlist.length === 0) return { skipped: "WATCHLIST is empty" };
      if (!deps.killSwitch.calendar.isMarketOpen(now)) return { skipped: "market closed" };
      const decisions: Record<string, string> = {};
      for (const ticker of deps.watchlist) {
        const result = await runWarRoom(deps, { ticker, requestedBy: "system:warroom-scan", propose: true });
        if (!result) return { skipped: "no account" };
        const legs = result.mirror?.legs.map((l) => `${l.accountName}: ${l.outcome}`).join(", ");
        decisions[ticker] = `${result.decision.decision}${legs ? ` (${legs})` : ""}`;
      }
      return decisions;
    },
  };
}

/** `vote-scoring` (hourly): scores each agent's votes once their horizon has closed. */
export function voteScoringJob(deps: Parameters<typeof scoreVotes>[0], policy?: ScoringPolicy): JobDefinition<z.infer<typeof payload>, "vote-scoring"> {
  return { name: "vote-scoring", payload, schedule: { every: 60 * 60_000 }, process: () => scoreVotes(deps, policy) };
}

/** `signal-alerts` (every minute): new confident signals to the traders. */
export function signalAlertsJob(deps: { signals: Pick<SignalStore, "pendingAlerts" | "markAlertSent">; notifier: Notifier; now: () => Date }, minConfidence: number): JobDefinition<z.infer<typeof payload>, "signal-alerts"> {
  return { name: "signal-alerts", payload, schedule: { every: 60_000 }, process: () => pushSignalAlerts(deps, minConfidence.toFixed(4)) };
}
