import { cleanText, cutText } from "../../domain/text.js";

/** Turning what an operator typed into arguments: shapes only; the use cases judge the values. */

export interface ExecuteArgs {
  side: string;
  ticker: string;
  quantity: string;
  limitPrice: string | null;
  stopPrice: string | null;
}

export const EXECUTE_USAGE = "/execute BUY|SELL TICKER QTY [LIMIT|market] [STOP]\nexample: /execute BUY NKE 10 or /execute BUY NKE 10 market 95";
export const CLOSE_USAGE = "/close TICKER [QTY]  (QTY defaults to the whole position)";

/** The longest argument kept (a ticker, a quantity, a price): anything echoed back stays short. */
const ARG_MAX_CHARS = 64;

/**
 * Words typed after a command, cleaned of control characters and each cut to ARG_MAX_CHARS
 * characters (never inside one); none for an empty or whitespace-only argument string.
 */
export function words(text: string): string[] {
  return cleanText(text)
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .map((w) => cutText(w, ARG_MAX_CHARS));
}

const MARKET = new Set(["-", "market", "mkt"]);

export function parseExecuteArgs(text: string): { ok: true; args: ExecuteArgs } | { ok: false; error: string } {
  const w = words(text);
  if (w.length < 3) return { ok: false, error: `missing arguments: side, ticker and quantity are required.\nusage: ${EXECUTE_USAGE}` };
  if (w.length > 5) return { ok: false, error: `too many arguments (${w.length}); at most 5.\nusage: ${EXECUTE_USAGE}` };
  const [side, ticker, quantity, limit, stop] = w as [string, string, string, string?, string?];
  return {
    ok: true,
    args: { side, ticker, quantity, limitPrice: limit === undefined || MARKET.has(limit.toLowerCase()) ? null : limit, stopPrice: stop ?? null },
  };
}

export function parseCloseArgs(text: string): { ok: true; ticker: string; quantity: string | null } | { ok: false; error: string } {
  const w = words(text);
  if (w.length < 1) return { ok: false, error: `missing the ticker.\nusage: ${CLOSE_USAGE}` };
  if (w.length > 2) return { ok: false, error: `too many arguments (${w.length}); at most 2.\nusage: ${CLOSE_USAGE}` };
  return { ok: true, ticker: w[0]!.toUpperCase(), quantity: w[1] ?? null };
}
