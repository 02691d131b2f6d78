import { z } from "zod";
import { checkBooks, type BooksLedger, type BooksLog } from "../src/app/orders/reconcile-books.js";
import type { Clock } from "../src/app/ports/clock.js";
import type { Notifier } from "../src/app/ports/notifier.js";
import type { JobDefinition } from "./registry.js";

const payload = z.object({}).strict();

/**
 * `books-reconcile` (hourly by default): every account's cash against starting capital plus its
 * fills' net amounts, and every position against its fills; any difference is logged and told
 * to the admins. Read-only.
 */
export function booksReconcileJob(deps: { ledger: BooksLedger; notifier: Notifier; clock: Clock; log: BooksLog }, everyMs = 3_600_000): JobDefinition<z.infer<typeof payload>, "books-reconcile"> {
  return {
    name: "books-reconcile",
    payload,
    schedule: { every: everyMs },
    async process() {
      const report = await checkBooks(deps);
      return { accounts: report.accounts, fills: report.fills, differences: report.differences.length };
    },
  };
}
