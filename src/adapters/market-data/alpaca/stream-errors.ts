/**
 * Alpaca's stream error codes (docs: "Real-time Stock Data", errors; the official Go SDK's
 * marketdata/stream/errors.go) turned into what an operator reads and how soon to retry.
 */
export interface StreamFailure {
  /** For operators: what happened and what to fix. Never carries a key. */
  reason: string;
  /** "operator": retrying soon cannot help (keys, plan, a second client); retry slowly. */
  retry: "normal" | "operator";
}

/** Errors that answer a subscribe/unsubscribe (the request failed, the connection is fine). */
export const REQUEST_ERRORS: ReadonlySet<number> = new Set([400, 405, 410]);

export function describeStreamError(code: number, message: string, feed: string): StreamFailure {
  const said = message ? ` (Alpaca ${code}: ${message})` : ` (Alpaca ${code})`;
  switch (code) {
    case 402:
      return { reason: `auth failed: check ALPACA_KEY_ID/ALPACA_SECRET_KEY${said}`, retry: "operator" };
    case 406:
      return {
        reason: `connection limit exceeded: another client streams with these keys (Alpaca allows one connection per feed); stop it or use other keys${said}`,
        retry: "operator",
      };
    case 409:
      return { reason: `insufficient subscription for the ${feed} feed: set ALPACA_FEED=iex (free) or upgrade the Alpaca plan${said}`, retry: "operator" };
    case 408:
    case 411:
      return { reason: `these keys may not stream market data: check the Alpaca account behind ALPACA_KEY_ID${said}`, retry: "operator" };
    case 404:
      return { reason: `auth timeout: the stream did not see our auth in time${said}`, retry: "normal" };
    case 407:
      return { reason: `slow client: Alpaca dropped the stream because we read too slowly${said}`, retry: "normal" };
    case 500:
      return { reason: `Alpaca stream internal error${said}`, retry: "normal" };
    default:
      return { reason: `stream error${said}`, retry: "normal" };
  }
}

/** Exponential back-off: base * 2^attempt, capped; operator problems start 10x higher and cap 5x higher. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, retry: StreamFailure["retry"]): number {
  const factor = retry === "operator" ? 10 : 1;
  const cap = retry === "operator" ? maxMs * 5 : maxMs;
  const raw = baseMs * factor * 2 ** Math.min(attempt, 30);
  // Up to 20 % less, so that many desks dropped at once do not come back in the same instant.
  return Math.round(Math.min(cap, raw) * (0.8 + Math.random() * 0.2));
}
