import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { MarketDataProvider } from "../../app/ports/market-data.js";
import type { PriceBar } from "../../domain/prices.js";
import { parseYahooCsv } from "../../domain/yahoo-csv.js";

export interface ReplayOptions {
  /** First day played (the first bar on or after it). */
  start: string;
  /** Wall-clock seconds each historical day lasts. */
  secondsPerDay: number;
  /** When the replay began: day 0 plays from here. */
  startedAt: Date;
}

/**
 * History played forward, for local mode: every poll returns each ticker's close of the day the
 * replay has reached, stamped with the poll's own time so it is as fresh as a live quote. After
 * the last bar it starts over. The bar's historical date travels in its `source`.
 */
export class ReplayMarketData implements MarketDataProvider {
  readonly name = "replay";
  readonly alwaysOpen = true;
  private readonly series: { ticker: string; bars: PriceBar[] }[];

  constructor(series: ReadonlyMap<string, readonly PriceBar[]>, private readonly options: ReplayOptions) {
    const from = new Date(`${options.start}T00:00:00Z`).getTime();
    this.series = [...series].map(([ticker, bars]) => ({ ticker, bars: bars.filter((b) => b.time.getTime() >= from) })).filter((s) => s.bars.length > 0);
    if (this.series.length === 0) throw new Error(`the replay has no bar on or after ${options.start}`);
  }

  /** How many days the replay has played at `now`. */
  dayIndex(now: Date): number {
    return Math.max(0, Math.floor((now.getTime() - this.options.startedAt.getTime()) / (this.options.secondsPerDay * 1000)));
  }

  poll(now: Date): Promise<PriceBar[]> {
    const day = this.dayIndex(now);
    return Promise.resolve(
      this.series.map(({ bars }) => {
        const bar = bars[day % bars.length]!;
        return { ...bar, time: now, source: `replay:${bar.time.toISOString().slice(0, 10)}` };
      }),
    );
  }
}

/** Reads `<dir>/<ticker>-daily.csv` (Yahoo format) for each ticker. */
export async function loadReplaySeries(dir: string, tickers: readonly string[], timeZone: string): Promise<Map<string, PriceBar[]>> {
  const series = new Map<string, PriceBar[]>();
  for (const ticker of tickers) {
    const file = join(dir, `${ticker.toLowerCase()}-daily.csv`);
    const text = await readFile(file, "utf8").catch(() => {
      throw new Error(`no replay data for ${ticker}: ${file} is missing (REPLAY_TICKERS names files under demo/prices)`);
    });
    series.set(ticker, parseYahooCsv(text, ticker, timeZone).bars);
  }
  return series;
}
