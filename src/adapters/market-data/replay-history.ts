import { DateTime } from "luxon";
import type { PriceHistory } from "../../app/ports/market-data.js";
import { lastCompletedTradingDay } from "../../app/prices/backfill-history.js";
import type { MarketCalendar } from "../../domain/market-calendar.js";
import { dailyBarTime } from "../../domain/market-time.js";
import type { PriceBar } from "../../domain/prices.js";

export interface ReplayHistoryOptions {
  /** The replay's first day (REPLAY_START): only bars dated before it are history. */
  start: string;
  calendar: MarketCalendar;
  /** The zone the series' bars were stamped in (dailyBarTime) and new stamps are written in. */
  timeZone: string;
}

/**
 * The daily history of local mode: the replay (ReplayMarketData) plays the demo series from
 * REPLAY_START on, today; the bars before that date become the days before today, so the
 * agents have history on the first session. The k-th bar before the start date is stored on the
 * k-th completed trading day counted back from `until` (weekends and holidays skipped through
 * the calendar); the bar's real date travels in its source, `replay-history:<date>`.
 */
export class ReplayHistory implements PriceHistory {
  readonly name = "replay-history";
  /** Per upper-case ticker: the bars before the start date, oldest first. */
  private readonly before = new Map<string, readonly PriceBar[]>();

  constructor(
    series: ReadonlyMap<string, readonly PriceBar[]>,
    private readonly options: ReplayHistoryOptions,
  ) {
    for (const [ticker, bars] of series) {
      this.before.set(ticker.toUpperCase(), bars.filter((bar) => this.dateOf(bar.time) < options.start));
    }
  }

  dailyBars(ticker: string, days: number, until: Date): Promise<PriceBar[]> {
    const symbol = ticker.toUpperCase();
    const bars = this.before.get(symbol);
    if (!bars || bars.length === 0 || days <= 0) return Promise.resolve([]);
    // Re-dating pairs the newest bars with the newest days: a series out of order would pair
    // the wrong ones, so such a series is refused (for this ticker) rather than served.
    for (let i = 1; i < bars.length; i += 1) {
      if (bars[i]!.time <= bars[i - 1]!.time) {
        return Promise.reject(new Error(`replay history for ${symbol} is not in date order: ${this.dateOf(bars[i]!.time)} follows ${this.dateOf(bars[i - 1]!.time)}`));
      }
    }
    const { calendar, timeZone } = this.options;
    const count = Math.min(days, bars.length);
    const out: PriceBar[] = new Array<PriceBar>(count);
    let day = lastCompletedTradingDay(calendar, until);
    for (let k = 1; k <= count; k += 1) {
      if (k > 1) day = calendar.previousTradingDay(day);
      const bar = bars[bars.length - k]!;
      out[count - k] = { ...bar, ticker: symbol, time: dailyBarTime(day, timeZone), source: `replay-history:${this.dateOf(bar.time)}` };
    }
    return Promise.resolve(out);
  }

  private dateOf(time: Date): string {
    return DateTime.fromJSDate(time, { zone: this.options.timeZone }).toISODate() ?? "invalid date";
  }
}
