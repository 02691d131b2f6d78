import type pg from "pg";
import type { DataSource } from "typeorm";
import type { DailyBarStore } from "../../../app/backtest/load-bars.js";
import type { BacktestBar } from "../../../domain/backtest/bar.js";
import { Dec } from "../../../domain/decimal.js";
import { pgPool } from "../pool.js";

/**
 * A ticker's daily bars from the price table, for the backtest: every stored row (imported
 * daily bars, a feed's minute bars, polled quotes) grouped by its trading day in the exchange's
 * time zone, so the day's open is its first row's open, its close the last row's close, and its
 * range the widest any row saw. One indexed range scan of the primary key per ticker.
 */
const DAILY_BARS = `
  SELECT to_char(time AT TIME ZONE $3, 'YYYY-MM-DD') AS day,
         (array_agg(open ORDER BY time))[1]::text AS open,
         max(high)::text AS high,
         min(low)::text AS low,
         (array_agg(close ORDER BY time DESC))[1]::text AS close
  FROM stock_prices
  WHERE ticker = $1 AND time < (($2::date + 1)::timestamp AT TIME ZONE $3)
  GROUP BY 1
  ORDER BY 1`;

export class DailyBarRepository implements DailyBarStore {
  private readonly pool: pg.Pool;

  constructor(
    dataSource: DataSource,
    private readonly timeZone: string,
  ) {
    this.pool = pgPool(dataSource);
  }

  readonly source = "the price table (stock_prices)";

  async dailyBars(ticker: string, to: string): Promise<BacktestBar[]> {
    const { rows } = await this.pool.query<{ day: string; open: string; high: string; low: string; close: string }>({ name: "backtest_daily_bars", text: DAILY_BARS, values: [ticker, to, this.timeZone] });
    return rows.map((r) => ({ date: r.day, open: new Dec(r.open), high: new Dec(r.high), low: new Dec(r.low), close: new Dec(r.close) }));
  }
}
