import type { Clock } from "../ports/clock.js";
import type { EquityMarkStore } from "../ports/equity-mark-store.js";
import type { MarketCalendar } from "../../domain/market-calendar.js";

export interface EquityMarkDeps {
  marks: EquityMarkStore;
  calendar: MarketCalendar;
  clock: Clock;
}

export type MarkResult = { written: number; tradingDay: string } | { skipped: "market closed" | "not a trading day" };

/**
 * Intraday marks while the market is open, and one end-of-day mark after the close on trading
 * days: the equity curve every report and metric is drawn from. Start-of-day equity is fixed by
 * the kill switch's first look at the day.
 */
export async function recordEquityMarks(deps: EquityMarkDeps, kind: "intraday" | "end_of_day"): Promise<MarkResult> {
  const now = deps.clock.now();
  const tradingDay = deps.calendar.tradingDayOf(now);
  const today = now.toLocaleDateString("en-CA", { timeZone: deps.calendar.timeZone });
  if (kind === "intraday" && !deps.calendar.isMarketOpen(now)) return { skipped: "market closed" };
  // After the close on a weekend or holiday, tradingDayOf points at the next session: no mark.
  if (kind === "end_of_day" && tradingDay !== today) return { skipped: "not a trading day" };
  return { written: await deps.marks.markAll(kind, tradingDay, now), tradingDay };
}
