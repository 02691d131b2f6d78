import type { MigrationInterface, QueryRunner } from "typeorm";

/** The cash amount a fill moved under the old rule: the exact amount rounded half-even to 4 places. */
const OLD_CASH_DELTA = `(
  CASE WHEN abs(v * 10000 - trunc(v * 10000)) = 0.5 AND mod(trunc(v * 10000), 2) = 0 THEN trunc(v * 10000) / 10000 ELSE round(v, 4) END
) FROM (SELECT CASE WHEN f.side = 'BUY' THEN -(f.quantity * f.price + f.commission) ELSE f.quantity * f.price - f.commission END AS v) exact`;

/** The new net amount of fill `f`, by the rule (the generated column's expression, before the column exists). */
const NEW_NET = `CASE WHEN f.side = 'BUY' THEN -(round(f.quantity * f.price, 2) + round(f.commission, 2)) ELSE round(f.quantity * f.price, 2) - round(f.commission, 2) END`;

/**
 * Exact books. Each fill records the cash it moved as a broker statement does, rounded once:
 * gross = quantity x price and the commission, each to the cent half-up (PostgreSQL's round()),
 * and net = -(gross + commission) for a BUY, gross - commission for a SELL. Cash and starting
 * capital become whole cents, so cash = starting capital + the sum of the fills' net amounts holds
 * to the last digit.
 *
 * Existing books are restated by the same rule: each account's cash moves by the difference
 * between its fills' new net amounts and the 4-place amounts booked before (any other
 * difference it had stays, for the reconciliation to report), with an audit row saying by how
 * much; positions whose whole history is in the fills get their cost basis and realised P&L
 * replayed from the net amounts.
 */
export class ExactFillAmounts1764100000000 implements MigrationInterface {
  name = "ExactFillAmounts1764100000000";

  async up(q: QueryRunner): Promise<void> {
    // Cash: by the difference between the new and the old amounts, while the old commission is still there.
    await q.query(`
      WITH change AS (
        SELECT f.account_id, sum((SELECT ${NEW_NET}) - (SELECT ${OLD_CASH_DELTA})) AS delta FROM fills f GROUP BY f.account_id
      ), restated AS (
        UPDATE accounts a SET cash = a.cash + c.delta, updated_at = now()
        FROM change c WHERE c.account_id = a.id AND c.delta <> 0
        RETURNING a.id, a.name, a.cash, c.delta
      )
      INSERT INTO audit_log (actor, action, account_id, subject, details)
      SELECT 'system:migration', 'books.restated', r.id, r.name,
        jsonb_build_object('rule', 'fill amounts to the cent, half-up', 'cashBefore', (r.cash - r.delta)::text, 'cashAfter', r.cash::text, 'difference', r.delta::text)
      FROM restated r`);
    await q.query(`ALTER TABLE fills ALTER COLUMN commission TYPE numeric(20,2) USING round(commission, 2)`);
    // Generated: the database computes both amounts by the rule on every insert (rows written by
    // hand or by a restore included), and nothing can store other amounts next to them.
    await q.query(`
      ALTER TABLE fills
        ADD COLUMN gross_amount numeric(20,2) GENERATED ALWAYS AS (round(quantity * price, 2)) STORED,
        ADD COLUMN net_amount numeric(20,2) GENERATED ALWAYS AS (
          CASE WHEN side = 'BUY' THEN -(round(quantity * price, 2) + commission) ELSE round(quantity * price, 2) - commission END) STORED`);

    // Positions whose every share is accounted for by fills (never below zero, ending at the held quantity).
    await q.query(`
      DO $$
      DECLARE
        rec record;
        account uuid;
        symbol text;
        held integer := 0;
        cost numeric := 0;
        pnl numeric := 0;
        removed numeric;
      BEGIN
        FOR rec IN
          WITH running AS (
            SELECT account_id, ticker, id, sum(CASE WHEN side = 'BUY' THEN quantity ELSE -quantity END) OVER (PARTITION BY account_id, ticker ORDER BY id) AS shares,
              row_number() OVER (PARTITION BY account_id, ticker ORDER BY id DESC) AS from_last
            FROM fills
          ), whole AS (
            SELECT r.account_id, r.ticker FROM running r LEFT JOIN positions p ON p.account_id = r.account_id AND p.ticker = r.ticker
            GROUP BY r.account_id, r.ticker, p.quantity
            HAVING min(r.shares) >= 0 AND max(r.shares) FILTER (WHERE r.from_last = 1) = COALESCE(p.quantity, 0)
          )
          SELECT f.id, f.account_id, f.ticker, f.side, f.quantity, f.net_amount FROM fills f JOIN whole w USING (account_id, ticker)
          UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL
          ORDER BY 2, 3, 1
        LOOP
          IF account IS NOT NULL AND (rec.account_id IS DISTINCT FROM account OR rec.ticker IS DISTINCT FROM symbol) THEN
            UPDATE positions SET cost_basis = cost, realized_pnl = pnl, updated_at = now() WHERE account_id = account AND ticker = symbol;
          END IF;
          EXIT WHEN rec.account_id IS NULL;
          IF rec.account_id IS DISTINCT FROM account OR rec.ticker IS DISTINCT FROM symbol THEN
            account := rec.account_id; symbol := rec.ticker; held := 0; cost := 0; pnl := 0;
          END IF;
          IF rec.side = 'BUY' THEN
            held := held + rec.quantity;
            cost := cost - rec.net_amount;
          ELSE
            removed := CASE WHEN rec.quantity = held THEN cost ELSE round(cost * rec.quantity / held, 2) END;
            UPDATE fills SET realized_pnl = rec.net_amount - removed WHERE id = rec.id;
            pnl := pnl + rec.net_amount - removed;
            cost := cost - removed;
            held := held - rec.quantity;
          END IF;
        END LOOP;
      END $$`);

    await q.query(`
      ALTER TABLE accounts ALTER COLUMN cash TYPE numeric(20,2) USING round(cash, 2),
        ALTER COLUMN starting_capital TYPE numeric(20,2) USING round(starting_capital, 2)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The restated amounts stay (they are valid at 4 places too); the columns and the scale go back.
    await q.query(`ALTER TABLE accounts ALTER COLUMN cash TYPE numeric(20,4), ALTER COLUMN starting_capital TYPE numeric(20,4)`);
    await q.query(`ALTER TABLE fills DROP COLUMN net_amount, DROP COLUMN gross_amount`);
    await q.query(`ALTER TABLE fills ALTER COLUMN commission TYPE numeric(20,4)`);
  }
}
