import { Dec } from "../../domain/decimal.js";
import type { Side } from "../../domain/vocabulary.js";
import { recordBrokerCall } from "../kill-switch/broker-calls.js";
import type { StatementTrade } from "../ports/broker.js";
import { brokerOf, type ExecutionDeps } from "./execute-order.js";

/** A fill of a real-broker account, as the commission check reads it. */
export interface LedgerFill {
  fillId: string;
  accountId: string;
  ticker: string;
  side: Side;
  quantity: number;
  /** What the fill was booked with: the desk's estimate until confirmed. */
  commission: Dec;
  /** The exchange-local (New York) date of filled_at, YYYY-MM-DD. */
  tradeDate: string;
  confirmed: boolean;
}

/** The books' side of a confirmed commission. */
export interface ConfirmedCommission {
  fillId: string;
  accountId: string;
  ticker: string;
  side: Side;
  previous: Dec;
  commission: Dec;
  /** commission - previous: what cash fell by (rose by, when negative). */
  difference: Dec;
  cashAfter: Dec;
}

export interface CommissionLedger {
  /** Fills of real-broker accounts still carrying the desk's estimate, oldest first. */
  unconfirmedFills(): Promise<LedgerFill[]>;
  /** Every fill of the account on these trade dates, confirmed or not. */
  fillsOn(accountId: string, tradeDates: readonly string[]): Promise<LedgerFill[]>;
  /**
   * In one transaction: the fill's commission becomes `commission` and commission_confirmed_at
   * `at`; cash moves by the difference; a BUY's difference goes to the position's cost basis (to
   * realised P&L, on the fill and the position, once the position is flat), a SELL's to realised
   * P&L; an audit row. Undefined when the fill was confirmed already (nothing changes).
   */
  confirmCommission(fillId: string, commission: Dec, at: Date): Promise<ConfirmedCommission | undefined>;
}

export interface CommissionDeps {
  execution: ExecutionDeps;
  ledger: CommissionLedger;
}

export interface CommissionReport {
  confirmed: ConfirmedCommission[];
  /** Fills whose statement line is not there yet (or does not add up yet): tried again next run. */
  waiting: { fillId: string; reason: string }[];
  /** Fills of accounts whose statement could not be read this run. */
  failed: number;
  /** Fills of accounts whose broker keeps no statement (KIS paper): their estimate stands. */
  noStatement: number;
}

/**
 * Books the broker's commissions against real-broker fills. A fill is booked with the desk's
 * estimate (KIS: 0); the statement (KIS: the daily transaction history) says later what was
 * charged. The statement names no order, so it is matched per trade date, ticker and side: once
 * its shares for that day equal every desk fill's shares, the fees it shows less what is already
 * confirmed are split over the still unconfirmed fills by shares (to the cent; the last takes the
 * rounding) and each is confirmed in its own transaction. Running again changes nothing; a day
 * the statement does not show fully yet is left for the next run.
 */
export async function confirmCommissions(deps: CommissionDeps): Promise<CommissionReport> {
  const report: CommissionReport = { confirmed: [], waiting: [], failed: 0, noStatement: 0 };
  const byAccount = groupBy(await deps.ledger.unconfirmedFills(), (f) => f.accountId);
  for (const [accountId, fills] of byAccount) {
    const broker = await brokerOf(deps.execution, accountId);
    if (!broker.statement) {
      report.noStatement += fills.length;
      continue;
    }
    const dates = [...new Set(fills.map((f) => f.tradeDate))].sort();
    let trades: StatementTrade[] | undefined;
    try {
      trades = await broker.statement({ from: dates[0]!, to: dates.at(-1)! });
      await recordBrokerCall(deps.execution.killSwitch, accountId, true);
    } catch {
      await recordBrokerCall(deps.execution.killSwitch, accountId, false);
      report.failed += fills.length;
      continue;
    }
    if (trades === undefined) {
      report.noStatement += fills.length;
      continue;
    }
    const statement = groupBy(trades, (t) => keyOf(t.tradeDate, t.ticker, t.side));
    const desk = groupBy(await deps.ledger.fillsOn(accountId, dates), (f) => keyOf(f.tradeDate, f.ticker, f.side));
    for (const [key, group] of desk) {
      const open = group.filter((f) => !f.confirmed);
      if (open.length === 0) continue;
      const outcome = allocate(group, statement.get(key) ?? []);
      if ("waiting" in outcome) {
        for (const f of open) report.waiting.push({ fillId: f.fillId, reason: outcome.waiting });
        continue;
      }
      const at = deps.execution.killSwitch.clock.now();
      for (const [fill, commission] of outcome.commissions) {
        const done = await deps.ledger.confirmCommission(fill.fillId, commission, at);
        if (done) report.confirmed.push(done);
      }
    }
  }
  return report;
}

/**
 * The statement's fees for one day, ticker and side, split over the desk's unconfirmed fills,
 * or why not yet: the statement must show exactly the shares the desk's fills add up to.
 */
function allocate(group: readonly LedgerFill[], lines: readonly StatementTrade[]): { commissions: [LedgerFill, Dec][] } | { waiting: string } {
  const deskShares = group.reduce((n, f) => n + f.quantity, 0);
  const statedShares = lines.reduce((n, t) => n + t.quantity, 0);
  if (lines.length === 0) return { waiting: "not on the broker's statement yet" };
  if (statedShares !== deskShares) return { waiting: `the statement shows ${statedShares} shares that day, the desk's fills ${deskShares}` };
  const stated = lines.reduce((sum, t) => sum.plus(t.fee), new Dec(0)).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
  const confirmed = group.filter((f) => f.confirmed).reduce((sum, f) => sum.plus(f.commission), new Dec(0));
  const left = stated.minus(confirmed);
  if (left.isNegative()) return { waiting: `the statement's fees $${stated.toFixed(2)} are less than the $${confirmed.toFixed(2)} already confirmed` };
  const open = group.filter((f) => !f.confirmed);
  const openShares = open.reduce((n, f) => n + f.quantity, 0);
  const commissions: [LedgerFill, Dec][] = [];
  let given = new Dec(0);
  open.forEach((f, i) => {
    // Rounded down, so the last fill's remainder is never negative.
    const share = i === open.length - 1 ? left.minus(given) : left.times(f.quantity).div(openShares).toDecimalPlaces(2, Dec.ROUND_DOWN);
    given = given.plus(share);
    commissions.push([f, share]);
  });
  return { commissions };
}

function keyOf(date: string, ticker: string, side: Side): string {
  return `${date}|${ticker}|${side}`;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
}
