import type { Dec } from "../../domain/decimal.js";
import type { EquityPoint } from "../../domain/metrics.js";
import type { KillSwitchDeps } from "../kill-switch/deps.js";
import type { DeskReader } from "../ports/desk-reader.js";
import type { ProposalStore } from "../ports/proposal-store.js";
import type { TradeLog, TradeRow } from "../ports/trade-log.js";
import { buildMonitorView, type MonitorView } from "../views/monitor-view.js";
import { buildStatusView, type AccountStatusView } from "../views/status-view.js";

export interface ReportDeps {
  reader: DeskReader;
  killSwitch: Pick<KillSwitchDeps, "store" | "snapshots" | "calendar" | "clock" | "thresholds">;
  proposals: Pick<ProposalStore, "pending">;
  trades: TradeLog;
  nearStopPct: Dec;
}

export interface AccountDailyReport {
  /** Capital, day P&L, positions with their stops, metrics, phase progress and the gate. */
  monitor: MonitorView;
  /** Kill-switch state, trigger headroom, pending approvals. */
  status: AccountStatusView | undefined;
  /** The day's fills. */
  trades: TradeRow[];
  /** End-of-day equity since inception, for the chart. */
  curve: EquityPoint[];
  /**
   * The capital `curve` counts from (the account's starting capital): the chart's first peak, so
   * its drawdown is the one `monitor.metrics` (since inception) reports for the same curve.
   */
  startingEquity: Dec;
}

export interface DailyReport {
  tradingDay: string;
  at: Date;
  accounts: AccountDailyReport[];
}

/** The daily report's facts for every account, as of now; the same for the 16:15 push and /report. */
export async function buildDailyReport(deps: ReportDeps): Promise<DailyReport> {
  const { calendar, clock } = deps.killSwitch;
  const at = clock.now();
  const tradingDay = calendar.tradingDayOf(at);
  const statuses = await buildStatusView({ reader: deps.reader, killSwitch: deps.killSwitch, proposals: deps.proposals });
  const accounts: AccountDailyReport[] = [];
  for (const account of await deps.reader.accounts()) {
    const [monitor, trades, curve] = await Promise.all([
      buildMonitorView({ reader: deps.reader, calendar, clock, nearStopPct: deps.nearStopPct }, account.id),
      deps.trades.fills(account.id, tradingDay, tradingDay),
      deps.reader.endOfDayCurve(account.id),
    ]);
    if (!monitor) continue;
    accounts.push({ monitor, status: statuses.find((s) => s.id === account.id), trades, curve, startingEquity: account.startingCapital });
  }
  return { tradingDay, at, accounts };
}
