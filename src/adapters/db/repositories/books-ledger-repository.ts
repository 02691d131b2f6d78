import type pg from "pg";
import type { DataSource } from "typeorm";
import type { AccountBooks, BooksLedger } from "../../../app/orders/reconcile-books.js";
import { Dec } from "../../../domain/decimal.js";
import { pgPool } from "../pool.js";

/**
 * The books against the fills, in one statement (one snapshot, so a fill booked meanwhile is in
 * both or neither): each account's cash and its fills' net amounts, and per ticker the position
 * row against its fills.
 */
const BOOKS = {
  name: "books_ledger",
  text: `
  WITH by_ticker AS (
    SELECT account_id, ticker, count(*)::int AS fills, sum(CASE WHEN side = 'BUY' THEN quantity ELSE -quantity END)::int AS shares,
           sum(net_amount) AS net, sum(COALESCE(realized_pnl, 0)) AS realized
    FROM fills WHERE $1::uuid[] IS NULL OR account_id = ANY($1) GROUP BY account_id, ticker
  ), lines AS (
    SELECT COALESCE(p.account_id, t.account_id) AS account_id, COALESCE(p.ticker, t.ticker) AS ticker,
           COALESCE(p.quantity, 0) AS quantity, COALESCE(p.cost_basis, 0) AS cost_basis, COALESCE(p.realized_pnl, 0) AS realized_pnl,
           COALESCE(t.fills, 0) AS fills, COALESCE(t.shares, 0) AS shares, COALESCE(t.net, 0) AS net, COALESCE(t.realized, 0) AS realized
    FROM (SELECT * FROM positions WHERE $1::uuid[] IS NULL OR account_id = ANY($1)) p
    FULL JOIN by_ticker t ON t.account_id = p.account_id AND t.ticker = p.ticker
  )
  SELECT a.id, a.name, a.starting_capital::text AS starting_capital, a.cash::text AS cash,
         COALESCE(sum(l.fills), 0)::int AS fills, COALESCE(sum(l.net), 0)::text AS net,
         COALESCE(json_agg(json_build_object('ticker', l.ticker, 'quantity', l.quantity, 'cost_basis', l.cost_basis::text,
           'realized_pnl', l.realized_pnl::text, 'shares', l.shares, 'net', l.net::text, 'realized', l.realized::text) ORDER BY l.ticker)
           FILTER (WHERE l.ticker IS NOT NULL), '[]') AS positions
  FROM accounts a LEFT JOIN lines l ON l.account_id = a.id
  WHERE $1::uuid[] IS NULL OR a.id = ANY($1)
  GROUP BY a.id ORDER BY a.name`,
};

interface BooksRow {
  id: string;
  name: string;
  starting_capital: string;
  cash: string;
  fills: number;
  net: string;
  positions: { ticker: string; quantity: number; cost_basis: string; realized_pnl: string; shares: number; net: string; realized: string }[];
}

/** The books and the fills side by side, for reconcileBooks. */
export class BooksLedgerRepository implements BooksLedger {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  async books(accountIds?: readonly string[]): Promise<AccountBooks[]> {
    const { rows } = await this.pool.query<BooksRow>({ ...BOOKS, values: [accountIds ? [...accountIds] : null] });
    return rows.map((r) => ({
      accountId: r.id,
      accountName: r.name,
      startingCapital: new Dec(r.starting_capital),
      cash: new Dec(r.cash),
      fills: r.fills,
      fillsNet: new Dec(r.net),
      positions: r.positions.map((p) => ({
        ticker: p.ticker,
        quantity: p.quantity,
        costBasis: new Dec(p.cost_basis),
        realizedPnl: new Dec(p.realized_pnl),
        fillShares: p.shares,
        fillsNet: new Dec(p.net),
        fillsRealized: new Dec(p.realized),
      })),
    }));
  }
}
