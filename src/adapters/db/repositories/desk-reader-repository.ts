import type pg from "pg";
import type { DataSource } from "typeorm";
import type { AccountSummary, DatedTrade, DeskReader, PositionView } from "../../../app/ports/desk-reader.js";
import { Dec } from "../../../domain/decimal.js";
import type { EquityPoint } from "../../../domain/metrics.js";
import { averagePrice } from "../../../domain/portfolio/accounting.js";
import type { AccountMode, Broker, Phase } from "../../../domain/vocabulary.js";
import { pgPool } from "../pool.js";

/*
 * The operator views' reads. Raw SQL on the pg pool with named (prepared) statements: the bot
 * asks these on every /status and /monitor, and the views need nothing TypeORM adds. NUMERIC is
 * read as text and parsed into Dec, so no binary float ever holds money.
 */

const ACCOUNT_COLUMNS = `id, name, mode, broker, phase, currency, cash::text AS cash, starting_capital::text AS starting_capital,
  phase_started_at, phase_start_equity::text AS phase_start_equity, created_at, broker_account`;

const ACCOUNTS = { name: "desk_reader_accounts", text: `SELECT ${ACCOUNT_COLUMNS} FROM accounts ORDER BY created_at, id` };
const ACCOUNT = { name: "desk_reader_account", text: `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1` };

/** One statement: each open position with its ticker's newest price (the (ticker, time) key, read backward). */
const POSITIONS = {
  name: "desk_reader_positions",
  text: `
  SELECT p.ticker, p.quantity, p.cost_basis::text AS cost_basis, p.stop_price::text AS stop_price, p.realized_pnl::text AS realized_pnl,
         lp.close::text AS last_price, lp.time AS price_time
  FROM positions p
  LEFT JOIN LATERAL (SELECT s.close, s.time FROM stock_prices s WHERE s.ticker = p.ticker ORDER BY s.time DESC LIMIT 1) lp ON true
  WHERE p.account_id = $1 AND p.quantity > 0
  ORDER BY p.ticker`,
};

const START_OF_DAY = {
  name: "desk_reader_start_of_day",
  text: `SELECT equity::text AS equity FROM equity_snapshots WHERE account_id = $1 AND trading_day = $2 AND kind = 'start_of_day'`,
};

// A SELL fill without a realized figure cannot be scored; it is left out rather than counted as 0.
const CLOSED_TRADES = {
  name: "desk_reader_closed_trades",
  text: `
  SELECT realized_pnl::text AS pnl, filled_at FROM fills
  WHERE account_id = $1 AND side = 'SELL' AND realized_pnl IS NOT NULL AND ($2::timestamptz IS NULL OR filled_at >= $2::timestamptz)
  ORDER BY filled_at, id`,
};

const END_OF_DAY_CURVE = {
  name: "desk_reader_end_of_day_curve",
  text: `
  SELECT to_char(trading_day, 'YYYY-MM-DD') AS day, equity::text AS equity FROM equity_snapshots
  WHERE account_id = $1 AND kind = 'end_of_day' AND ($2::timestamptz IS NULL OR taken_at >= $2::timestamptz)
  ORDER BY trading_day`,
};

interface AccountRow {
  id: string;
  name: string;
  mode: AccountMode;
  broker: Broker;
  phase: Phase;
  currency: string;
  cash: string;
  starting_capital: string;
  phase_started_at: Date;
  phase_start_equity: string;
  created_at: Date;
  broker_account: string | null;
}

interface PositionRow {
  ticker: string;
  quantity: number;
  cost_basis: string;
  stop_price: string | null;
  realized_pnl: string;
  last_price: string | null;
  price_time: Date | null;
}

const toAccount = (r: AccountRow): AccountSummary => ({
  id: r.id,
  name: r.name,
  mode: r.mode,
  broker: r.broker,
  phase: r.phase,
  currency: r.currency,
  cash: new Dec(r.cash),
  startingCapital: new Dec(r.starting_capital),
  phaseStartedAt: r.phase_started_at,
  phaseStartEquity: new Dec(r.phase_start_equity),
  createdAt: r.created_at,
  brokerAccount: r.broker_account,
});

function toPosition(r: PositionRow): PositionView {
  const costBasis = new Dec(r.cost_basis);
  const realizedPnl = new Dec(r.realized_pnl);
  return {
    ticker: r.ticker,
    quantity: r.quantity,
    costBasis,
    // The same derivation as the order path's: quantity > 0 here, so it is never null.
    averagePrice: averagePrice({ ticker: r.ticker, quantity: r.quantity, costBasis, realizedPnl })!,
    stopPrice: r.stop_price === null ? null : new Dec(r.stop_price),
    lastPrice: r.last_price === null ? null : new Dec(r.last_price),
    priceTime: r.price_time,
    realizedPnl,
  };
}

export class DeskReaderRepository implements DeskReader {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  async accounts(): Promise<AccountSummary[]> {
    const { rows } = await this.pool.query<AccountRow>(ACCOUNTS);
    return rows.map(toAccount);
  }

  async account(id: string): Promise<AccountSummary | undefined> {
    const { rows } = await this.pool.query<AccountRow>({ ...ACCOUNT, values: [id] });
    return rows[0] ? toAccount(rows[0]) : undefined;
  }

  async positions(accountId: string): Promise<PositionView[]> {
    const { rows } = await this.pool.query<PositionRow>({ ...POSITIONS, values: [accountId] });
    return rows.map(toPosition);
  }

  async startOfDayEquity(accountId: string, tradingDay: string): Promise<Dec | null> {
    const { rows } = await this.pool.query<{ equity: string }>({ ...START_OF_DAY, values: [accountId, tradingDay] });
    return rows[0] ? new Dec(rows[0].equity) : null;
  }

  async closedTrades(accountId: string, since?: Date): Promise<DatedTrade[]> {
    const { rows } = await this.pool.query<{ pnl: string; filled_at: Date }>({ ...CLOSED_TRADES, values: [accountId, since ?? null] });
    return rows.map((r) => ({ pnl: new Dec(r.pnl), at: r.filled_at }));
  }

  async endOfDayCurve(accountId: string, since?: Date): Promise<EquityPoint[]> {
    const { rows } = await this.pool.query<{ day: string; equity: string }>({ ...END_OF_DAY_CURVE, values: [accountId, since ?? null] });
    return rows.map((r) => ({ day: r.day, equity: new Dec(r.equity) }));
  }
}
