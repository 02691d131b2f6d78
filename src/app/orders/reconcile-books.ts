import type { Dec } from "../../domain/decimal.js";
import type { Clock } from "../ports/clock.js";
import type { Notifier } from "../ports/notifier.js";

/** One account's books and what its fills say, read in one snapshot. */
export interface AccountBooks {
  accountId: string;
  accountName: string;
  startingCapital: Dec;
  cash: Dec;
  fills: number;
  /** The sum of the fills' net amounts (what the fills moved in cash). */
  fillsNet: Dec;
  /** Every ticker the account holds or has fills in. */
  positions: {
    ticker: string;
    /** The positions table (0 when there is no row). */
    quantity: number;
    costBasis: Dec;
    realizedPnl: Dec;
    /** The fills: signed quantity (BUY +, SELL -), net amounts and realised P&L. */
    fillShares: number;
    fillsNet: Dec;
    fillsRealized: Dec;
  }[];
}

export interface BooksLedger {
  /** The books of these accounts (every account when absent), consistent with each other. */
  books(accountIds?: readonly string[]): Promise<AccountBooks[]>;
}

export interface BooksDifference {
  accountId: string;
  accountName: string;
  /**
   * cash: cash vs starting capital + the fills' net amounts;
   * position: quantity held vs the fills' signed quantities;
   * realized_pnl: the position's realised P&L vs its fills' realised P&L;
   * cost_basis: the position's cost basis vs its realised P&L less its fills' net amounts
   * (a BUY adds what it cost to the basis, a SELL turns its removed basis into P&L).
   */
  kind: "cash" | "position" | "realized_pnl" | "cost_basis";
  ticker: string | null;
  /** What the fills say. */
  expected: string;
  /** What the books hold. */
  actual: string;
}

export interface BooksReconciliation {
  accounts: number;
  fills: number;
  differences: BooksDifference[];
}

/**
 * Checks the books against the fills table, to the last digit: for every account, cash equals
 * starting capital plus the sum of its fills' net amounts; for every position, the quantity equals
 * the fills' signed quantities and its cost basis and realised P&L agree with the fills' booked
 * amounts. Every disagreement is reported; nothing is changed.
 */
export async function reconcileBooks(deps: { ledger: BooksLedger }, accountIds?: readonly string[]): Promise<BooksReconciliation> {
  const books = await deps.ledger.books(accountIds);
  const differences: BooksDifference[] = [];
  let fills = 0;
  for (const account of books) {
    fills += account.fills;
    const at = (kind: BooksDifference["kind"], ticker: string | null, expected: Dec | number, actual: Dec | number) => {
      const same = typeof expected === "number" ? expected === actual : expected.eq(actual);
      if (!same) differences.push({ accountId: account.accountId, accountName: account.accountName, kind, ticker, expected: expected.toString(), actual: actual.toString() });
    };
    at("cash", null, account.startingCapital.plus(account.fillsNet), account.cash);
    for (const p of account.positions) {
      at("position", p.ticker, p.fillShares, p.quantity);
      at("realized_pnl", p.ticker, p.fillsRealized, p.realizedPnl);
      at("cost_basis", p.ticker, p.realizedPnl.minus(p.fillsNet), p.costBasis);
    }
  }
  return { accounts: books.length, fills, differences };
}

/** The part of a (pino) logger the books check uses. */
export interface BooksLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Differences shown per alert: enough to start looking, short enough for one message. */
const SHOWN = 8;

/**
 * The periodic books check: reconcileBooks over every account; each account whose books differ
 * from its fills is logged and told to the admins (money is involved), with its differences.
 */
export async function checkBooks(deps: { ledger: BooksLedger; notifier: Notifier; clock: Clock; log: BooksLog }): Promise<BooksReconciliation> {
  const report = await reconcileBooks(deps);
  const byAccount = new Map<string, BooksDifference[]>();
  for (const d of report.differences) byAccount.set(d.accountId, [...(byAccount.get(d.accountId) ?? []), d]);
  for (const [accountId, differences] of byAccount) {
    const accountName = differences[0]!.accountName;
    deps.log.error({ accountId, account: accountName, differences }, "books differ from the fills");
    const lines = differences.slice(0, SHOWN).map((d) => `${d.kind}${d.ticker ? ` ${d.ticker}` : ""}: books ${d.actual}, fills say ${d.expected}`);
    if (differences.length > SHOWN) lines.push(`and ${differences.length - SHOWN} more (see the log)`);
    await deps.notifier.notify({ kind: "desk_health", accountId, accountName, title: "Books differ from the fills", lines, at: deps.clock.now() });
  }
  if (report.differences.length === 0) deps.log.info({ accounts: report.accounts, fills: report.fills }, "books reconcile with the fills");
  return report;
}
