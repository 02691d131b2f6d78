import type pg from "pg";
import type { DataSource } from "typeorm";
import type { CommissionLedger, ConfirmedCommission, LedgerFill } from "../../../app/orders/confirm-commissions.js";
import { CASH_PLACES, CASH_ROUNDING } from "../../../domain/portfolio/accounting.js";
import { Dec } from "../../../domain/decimal.js";
import { NYSE_TIME_ZONE } from "../../../domain/market-calendar.js";
import type { Side } from "../../../domain/vocabulary.js";
import { pgPool } from "../pool.js";
import { inTransaction } from "../transaction.js";

/** A fill's columns as LedgerFill reads them; the trade date is filled_at's date in the exchange's zone ($1). */
const LEDGER_COLUMNS = `f.id::text AS fill_id, f.account_id, f.ticker, f.side, f.quantity, f.commission::text AS commission,
  to_char(f.filled_at AT TIME ZONE $1, 'YYYY-MM-DD') AS trade_date, f.commission_confirmed_at IS NOT NULL AS confirmed`;

interface LedgerRow {
  fill_id: string;
  account_id: string;
  ticker: string;
  side: Side;
  quantity: number;
  commission: string;
  trade_date: string;
  confirmed: boolean;
}

const toFill = (r: LedgerRow): LedgerFill => ({
  fillId: r.fill_id,
  accountId: r.account_id,
  ticker: r.ticker,
  side: r.side,
  quantity: r.quantity,
  commission: new Dec(r.commission),
  tradeDate: r.trade_date,
  confirmed: r.confirmed,
});

/** The fill, its account and its position, with the fill and account rows locked (the account lock serialises every change to its cash). */
const CONFIRM_CONTEXT = `
  SELECT f.account_id, f.ticker, f.side, f.commission::text AS commission, f.commission_confirmed_at IS NOT NULL AS confirmed,
         COALESCE(f.realized_pnl, 0)::text AS fill_pnl, a.cash::text AS cash, p.quantity AS held
  FROM fills f JOIN accounts a ON a.id = f.account_id
  LEFT JOIN positions p ON p.account_id = f.account_id AND p.ticker = f.ticker
  WHERE f.id = $1
  FOR UPDATE OF f, a`;

interface ConfirmRow {
  account_id: string;
  ticker: string;
  side: Side;
  commission: string;
  confirmed: boolean;
  fill_pnl: string;
  cash: string;
  held: number | null;
}

/**
 * Real-broker fills and their commissions (confirmCommissions). Confirming keeps every rule of
 * reconcileBooks: cash = starting capital + the fills' net amounts (net_amount is generated from
 * the commission), a position's realised P&L = its fills' realised P&L, and its cost basis =
 * realised P&L - the fills' net amounts.
 */
export class CommissionRepository implements CommissionLedger {
  private readonly pool: pg.Pool;

  constructor(dataSource: DataSource, private readonly timeZone = NYSE_TIME_ZONE) {
    this.pool = pgPool(dataSource);
  }

  async unconfirmedFills(): Promise<LedgerFill[]> {
    const { rows } = await this.pool.query<LedgerRow>(
      `SELECT ${LEDGER_COLUMNS} FROM fills f JOIN accounts a ON a.id = f.account_id
       WHERE f.commission_confirmed_at IS NULL AND a.broker <> 'paper'
       ORDER BY f.filled_at, f.id`,
      [this.timeZone],
    );
    return rows.map(toFill);
  }

  async fillsOn(accountId: string, tradeDates: readonly string[]): Promise<LedgerFill[]> {
    const { rows } = await this.pool.query<LedgerRow>(
      `SELECT ${LEDGER_COLUMNS} FROM fills f
       WHERE f.account_id = $2 AND to_char(f.filled_at AT TIME ZONE $1, 'YYYY-MM-DD') = ANY($3::text[])
       ORDER BY f.filled_at, f.id`,
      [this.timeZone, accountId, [...tradeDates]],
    );
    return rows.map(toFill);
  }

  confirmCommission(fillId: string, commission: Dec, at: Date): Promise<ConfirmedCommission | undefined> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<ConfirmRow>(CONFIRM_CONTEXT, [fillId]);
      const row = rows[0];
      if (!row) throw new Error(`fill ${fillId} does not exist`);
      if (row.confirmed) return undefined;
      if (row.held === null) throw new Error(`fill ${fillId} has no position row for ${row.ticker}`);
      const confirmed = commission.toDecimalPlaces(CASH_PLACES, CASH_ROUNDING);
      if (confirmed.isNegative()) throw new RangeError(`a commission cannot be negative (${confirmed.toFixed(2)})`);
      const previous = new Dec(row.commission);
      const difference = confirmed.minus(previous);
      const cashAfter = new Dec(row.cash).minus(difference);
      if (cashAfter.isNegative()) throw new Error(`confirming fill ${fillId}'s commission would take cash below zero (${cashAfter.toFixed(2)})`);
      // A BUY's commission is part of what the held shares cost; once they are sold it can only be realised.
      const toCost = row.side === "BUY" && row.held > 0;
      const fillPnl = toCost ? new Dec(row.fill_pnl) : new Dec(row.fill_pnl).minus(difference);
      await client.query(
        `WITH fill AS (
           UPDATE fills SET commission = $2, commission_confirmed_at = $3, realized_pnl = CASE WHEN $4 THEN realized_pnl ELSE $5::numeric END WHERE id = $1
         ), position AS (
           UPDATE positions SET cost_basis = cost_basis + CASE WHEN $4 THEN $6::numeric ELSE 0 END,
             realized_pnl = realized_pnl - CASE WHEN $4 THEN 0 ELSE $6::numeric END, updated_at = now()
           WHERE account_id = $7 AND ticker = $8
         )
         UPDATE accounts SET cash = $9, updated_at = now() WHERE id = $7`,
        [fillId, confirmed.toFixed(), at, toCost, fillPnl.toFixed(), difference.toFixed(), row.account_id, row.ticker, cashAfter.toFixed()],
      );
      const details = { fillId, ticker: row.ticker, side: row.side, estimate: previous.toFixed(2), commission: confirmed.toFixed(2), difference: difference.toFixed(2), cashAfter: cashAfter.toFixed(2), bookedTo: toCost ? "cost_basis" : "realized_pnl" };
      await client.query(`INSERT INTO audit_log (actor, action, account_id, subject, details) VALUES ('system:commissions', 'fill.commission_confirmed', $1, $2, $3)`, [row.account_id, fillId, JSON.stringify(details)]);
      return { fillId, accountId: row.account_id, ticker: row.ticker, side: row.side, previous, commission: confirmed, difference, cashAfter };
    });
  }
}
