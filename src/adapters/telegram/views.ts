import { buildMonitorViews, buildPhaseView, type MonitorView, type PhaseView } from "../../app/views/monitor-view.js";
import { buildStatusView, type AccountStatusView } from "../../app/views/status-view.js";
import { buildCompareView, type CompareView } from "../../app/views/compare-view.js";
import type { BotDeps } from "./context.js";

/** The read models the commands render, wired from the bot's dependencies. */
export function statusView(deps: BotDeps): Promise<AccountStatusView[]> {
  return buildStatusView({ reader: deps.reader, killSwitch: deps.killSwitch, proposals: deps.approvals.proposals });
}

export function monitorViews(deps: BotDeps): Promise<MonitorView[]> {
  return buildMonitorViews({ reader: deps.reader, calendar: deps.killSwitch.calendar, clock: deps.killSwitch.clock, nearStopPct: deps.nearStopPct });
}

export function phaseView(deps: BotDeps, accountId: string): Promise<PhaseView | undefined> {
  return buildPhaseView({ reader: deps.reader, calendar: deps.killSwitch.calendar, clock: deps.killSwitch.clock }, accountId);
}

export async function phaseViews(deps: BotDeps): Promise<PhaseView[]> {
  const views = await Promise.all((await deps.reader.accounts()).map((a) => phaseView(deps, a.id)));
  return views.filter((v): v is PhaseView => v !== undefined);
}

/** /compare; undefined where live-versus-shadow tracking is not wired. */
export function compareView(deps: BotDeps, request: { days: number; ticker: string | null }): Promise<(CompareView & { days: number }) | undefined> {
  if (!deps.tracking) return Promise.resolve(undefined);
  return buildCompareView({ reader: deps.reader, mirrors: deps.tracking.mirrors, clock: deps.killSwitch.clock, targets: deps.tracking.targets }, request);
}
