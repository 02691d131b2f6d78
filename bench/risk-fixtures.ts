import type pg from "pg";
import type { NewOrder } from "../src/app/ports/trading-gate.js";
import { Dec } from "../src/domain/decimal.js";
import { createMarketCalendar } from "../src/domain/market-calendar.js";
import type { AccountSnapshot, HeldPosition, TriggerThresholds } from "../src/domain/kill-switch/triggers.js";
import type { PriceBar } from "../src/domain/prices.js";
import { rng } from "./fixtures.js";

/** Tuesday 2026-11-24, 11:00 New York: a regular session is open. */
export const NOW = new Date("2026-11-24T16:00:00Z");
export const TRADING_DAY = "2026-11-24";

/** Throws unless the fixed clock NOW falls in the regular session of TRADING_DAY. */
export function assertClockInSession(): void {
  const calendar = createMarketCalendar();
  if (!calendar.isMarketOpen(NOW) || calendar.tradingDayOf(NOW) !== TRADING_DAY) {
    throw new Error(`the fixed clock ${NOW.toISOString()} must fall in the regular session of ${TRADING_DAY}`);
  }
}

/** The desk's thresholds as the integration tests use them. */
export const THRESHOLDS: TriggerThresholds = { dailyLossPct: 5, maxDrawdownPct: 10, apiErrorCount: 3, concentrationPct: 30, staleDataSeconds: 300, dailyTradeLimit: 20 };

/**
 * An in-memory snapshot of an account with `count` positions, none of which fires anything:
 * every price is fresh (< 30 s old), no position is more than ~3% of equity, equity is 1% under
 * the start of the day and 3% under its peak. Prices have cents, as quotes do.
 */
export function evaluationSnapshot(count: number): AccountSnapshot {
  const random = rng(7);
  const positions: HeldPosition[] = Array.from({ length: count }, (_, i) => ({
    ticker: `E${String(i).padStart(3, "0")}`,
    quantity: 10 + Math.floor(random() * 90),
    lastPrice: new Dec((20 + random() * 400).toFixed(2)),
    priceTime: new Date(NOW.getTime() - 1_000 - Math.floor(random() * 29_000)),
  }));
  const cash = new Dec("250000");
  const equity = positions.reduce((sum, p) => sum.plus(p.lastPrice!.times(p.quantity)), cash);
  return {
    equity,
    startOfDayEquity: equity.div("0.99").toDecimalPlaces(4),
    peakEquity: equity.div("0.97").toDecimalPlaces(4),
    positions,
    consecutiveApiErrors: 0,
    ordersToday: 5,
    marketOpen: true,
    now: NOW,
  };
}

/** A one-price quote bar (open = high = low = close), as the price poller records it. */
export function quote(ticker: string, close: string, time: Date): PriceBar {
  const c = new Dec(close);
  return { ticker, time, open: c, high: c, low: c, close: c, adjClose: null, volume: 1n, source: "bench" };
}

export function marketOrder(accountId: string, idempotencyKey: string): NewOrder {
  return {
    accountId,
    idempotencyKey,
    source: "operator",
    side: "BUY",
    ticker: "NVDA",
    quantity: 1,
    orderType: "market",
    limitPrice: null,
    stopPrice: null,
    requestedBy: "bench",
    tradingDay: TRADING_DAY,
  };
}

/** Accounts with a kill-switch row in the given state; returns their ids in the order of `names`. */
export async function createAccounts(pool: pg.Pool, names: readonly string[], cash: string, state: "ACTIVE" | "HALTED" = "ACTIVE"): Promise<string[]> {
  const { rows } = await pool.query<{ id: string; name: string }>(
    `INSERT INTO accounts (name, mode, broker, phase, starting_capital, cash, phase_start_equity)
     SELECT n, 'shadow', 'paper', 'shadow', $2::numeric, $2::numeric, $2::numeric FROM unnest($1::text[]) AS n RETURNING id, name`,
    [names, cash],
  );
  const ids = new Map(rows.map((r) => [r.name, r.id]));
  const ordered = names.map((n) => {
    const id = ids.get(n);
    if (!id) throw new Error(`account ${n} was not created`);
    return id;
  });
  await pool.query(`INSERT INTO kill_switch_states (account_id, state, reason) SELECT id, $2, 'bench: armed' FROM unnest($1::uuid[]) AS id`, [ordered, state]);
  return ordered;
}

export interface TrialSeed {
  accountIds: string[];
  /** The ticker only account i holds: a bar for it re-checks exactly that account. */
  ownTickers: string[];
  sharedTickers: string[];
  positions: number;
  priceRows: number;
}

/**
 * The tick-to-halt accounts: cash 75,000, 250 shares @ 100 of an own ticker, and `shared` more
 * positions of 1 share @ 50 drawn from a pool of `sharedPool` tickers (equity 101,000 with 20 of
 * them; the own position is 24.8% of it). Every ticker gets `historyDays` daily bars of history
 * plus a fresh quote a minute before NOW, so the snapshot's newest-price look-ups walk a real index.
 */
export async function seedTrialAccounts(
  pool: pg.Pool,
  options: { accounts: number; shared: number; sharedPool: number; historyDays: number },
): Promise<TrialSeed> {
  const names = Array.from({ length: options.accounts }, (_, i) => `bench-risk-trial-${String(i).padStart(4, "0")}`);
  const accountIds = await createAccounts(pool, names, "75000");
  const ownTickers = names.map((_, i) => `H${String(i).padStart(4, "0")}`);
  const sharedTickers = Array.from({ length: options.sharedPool }, (_, i) => `S${String(i).padStart(3, "0")}`);

  const posAccount: string[] = [];
  const posTicker: string[] = [];
  const posQuantity: number[] = [];
  const posPrice: string[] = [];
  accountIds.forEach((id, i) => {
    posAccount.push(id);
    posTicker.push(ownTickers[i]!);
    posQuantity.push(250);
    posPrice.push("100");
    for (let k = 0; k < options.shared; k += 1) {
      posAccount.push(id);
      posTicker.push(sharedTickers[(i * 7 + k) % sharedTickers.length]!);
      posQuantity.push(1);
      posPrice.push("50");
    }
  });
  await pool.query(
    `INSERT INTO positions (account_id, ticker, quantity, cost_basis)
     SELECT a, t, q, q * p FROM unnest($1::uuid[], $2::text[], $3::int[], $4::numeric[]) AS u(a, t, q, p)`,
    [posAccount, posTicker, posQuantity, posPrice],
  );

  const tickers = [...ownTickers, ...sharedTickers];
  const closes = [...ownTickers.map(() => 100), ...sharedTickers.map(() => 50)];
  const history = await pool.query(
    `INSERT INTO stock_prices (ticker, time, open, high, low, close, adj_close, volume, source)
     SELECT t.ticker, $3::timestamptz - d * interval '1 day', t.close, t.close * 1.01, t.close * 0.99, t.close, t.close, 1000, 'bench'
     FROM unnest($1::text[], $2::numeric[]) AS t(ticker, close)
     CROSS JOIN generate_series(1, $4::int) AS d
     ORDER BY t.ticker, d DESC`,
    [tickers, closes, NOW, options.historyDays],
  );
  const fresh = await pool.query(
    `INSERT INTO stock_prices (ticker, time, open, high, low, close, adj_close, volume, source)
     SELECT t.ticker, $3::timestamptz, t.close, t.close, t.close, t.close, NULL, 1, 'bench'
     FROM unnest($1::text[], $2::numeric[]) AS t(ticker, close)`,
    [tickers, closes, new Date(NOW.getTime() - 60_000)],
  );
  return { accountIds, ownTickers, sharedTickers, positions: posAccount.length, priceRows: (history.rowCount ?? 0) + (fresh.rowCount ?? 0) };
}
