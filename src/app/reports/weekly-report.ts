import { DateTime } from "luxon";
import { Dec } from "../../domain/decimal.js";
import type { MarketCalendar } from "../../domain/market-calendar.js";
import { computeMetrics, type EquityPoint, type Metrics } from "../../domain/metrics.js";
import type { Clock } from "../ports/clock.js";
import type { DeskReader } from "../ports/desk-reader.js";
import type { HaltRecord, RiskHistory } from "../ports/risk-history.js";
import type { TradeLog, TradeRow } from "../ports/trade-log.js";
import type { AgentAccuracy, WarRoomStore } from "../ports/warroom-store.js";
import type { MirrorStore } from "../ports/mirror-store.js";
import type { TrackingTargets } from "../../domain/tracking.js";
import { compareSince, type CompareView } from "../views/compare-view.js";

export interface WeeklyReportDeps {
  reader: DeskReader;
  trades: TradeLog;
  risk: RiskHistory;
  calendar: MarketCalendar;
  clock: Clock;
  /** Agent accuracy; the section is left out without it. */
  warroom?: Pick<WarRoomStore, "accuracy">;
  /** Live against shadow (the week's mirrored decisions and the tracking-error gate); left out without it. */
  tracking?: { mirrors: Pick<MirrorStore, "decisions">; targets: TrackingTargets };
}

export interface AccountWeek {
  accountId: string;
  accountName: string;
  trades: TradeRow[];
  /** Realised P&L of the week's closing fills. */
  realizedPnl: Dec;
  /** End-of-day equity before the week and at its end; null when there is no mark. */
  equityBefore: Dec | null;
  equityAfter: Dec | null;
  week: Metrics;
  sinceInception: Metrics;
}

export interface WeeklyReport {
  /** Monday and Sunday of the week (New York dates). */
  firstDay: string;
  lastDay: string;
  accounts: AccountWeek[];
  /** How many orders each pre-trade rule refused this week, most first. */
  refusals: { code: string; orders: number }[];
  halts: HaltRecord[];
  /** Each War Room agent's scored votes: those cast this week, and all of them. */
  agents: { week: AgentAccuracy[]; allTime: AgentAccuracy[] } | null;
  /** The week's mirrored decisions, live against shadow, as /compare shows them. */
  tracking: CompareView | null;
}

/** The week that ends today (Sunday 18:00 New York): trades and P&L, metrics, and what the hard rules did. */
export async function buildWeeklyReport(deps: WeeklyReportDeps): Promise<WeeklyReport> {
  const zone = deps.calendar.timeZone;
  const today = DateTime.fromJSDate(deps.clock.now(), { zone }).startOf("day");
  const monday = today.minus({ days: (today.weekday + 6) % 7 });
  const sunday = monday.plus({ days: 6 });
  const firstDay = monday.toISODate()!;
  const lastDay = sunday.toISODate()!;
  const from = monday.toJSDate();
  const to = sunday.plus({ days: 1 }).toJSDate();

  const accounts: AccountWeek[] = [];
  for (const account of await deps.reader.accounts()) {
    const [trades, allTrades, curve] = await Promise.all([
      deps.trades.fills(account.id, firstDay, lastDay),
      deps.reader.closedTrades(account.id),
      deps.reader.endOfDayCurve(account.id),
    ]);
    const before = curve.filter((p) => p.day < firstDay).at(-1);
    const during: EquityPoint[] = curve.filter((p) => p.day >= firstDay && p.day <= lastDay);
    const closed = trades.filter((t) => t.realizedPnl !== null).map((t) => ({ pnl: t.realizedPnl! }));
    const weekStart = before?.equity ?? account.startingCapital;
    accounts.push({
      accountId: account.id,
      accountName: account.name,
      trades,
      realizedPnl: closed.reduce((sum, t) => sum.plus(t.pnl), new Dec(0)),
      equityBefore: before?.equity ?? null,
      equityAfter: during.at(-1)?.equity ?? null,
      week: computeMetrics({ trades: closed, equityCurve: during, startingEquity: weekStart }),
      sinceInception: computeMetrics({ trades: allTrades, equityCurve: curve, startingEquity: account.startingCapital }),
    });
  }
  const tracking = deps.tracking ? { ...deps.tracking, reader: deps.reader, clock: deps.clock } : undefined;
  const [refusals, halts, week, allTime, compared] = await Promise.all([
    deps.risk.refusalsByRule(from, to),
    deps.risk.halts(from, to),
    deps.warroom?.accuracy(from),
    deps.warroom?.accuracy(),
    tracking ? compareSince(tracking, from, null, to) : undefined,
  ]);
  return { firstDay, lastDay, accounts, refusals, halts, agents: week && allTime ? { week, allTime } : null, tracking: compared ?? null };
}
