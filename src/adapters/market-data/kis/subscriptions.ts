import type { KisExchanges } from "./exchanges.js";

export const OVER_LIMIT = "over the KIS real-time limit: polled instead";

/**
 * Which tickers the WebSocket session registers. KIS holds a fixed number of registrations per
 * session; the first `limit` followed tickers (the caller orders them held first) are wanted and
 * the rest refused. A ticker KIS itself refused is not asked again in the same session.
 */
export class Subscriptions {
  private followed: string[] = [];
  /** Refused by KIS in this session: ticker -> reason. */
  private readonly refusedByKis = new Map<string, string>();
  /** What status.refused was last told per ticker, so a reason is reported once, not every follow(). */
  private readonly reported = new Map<string, string>();

  constructor(
    private readonly exchanges: KisExchanges,
    private readonly limit: number,
  ) {}

  follow(tickers: readonly string[]): void {
    this.followed = [...new Set(tickers.map((t) => t.trim().toUpperCase()).filter((t) => t !== ""))];
    for (const map of [this.refusedByKis, this.reported]) for (const t of map.keys()) if (!this.followed.includes(t)) map.delete(t);
  }

  /** A new session: KIS forgets its refusals with the old one. */
  newSession(): void {
    this.refusedByKis.clear();
  }

  /**
   * The real-time key of a ticker: "D" + quote exchange + symbol, e.g. DNASAAPL (regular and
   * extended hours). KIS's samples key the US daytime session (10:00-16:00 KST) differently,
   * "R" + BAQ/BAY/BAA + symbol (RBAQAAPL); it is not followed here.
   */
  keyOf(ticker: string): string {
    // Unknown exchange: NAS, the broker's default too; a learned exchange changes the key at the next follow().
    return `D${this.exchanges.known(ticker) ?? "NAS"}${ticker}`;
  }

  /** key -> ticker wanted now, and the refusals not reported yet. */
  plan(): { wanted: Map<string, string>; refusals: [string, string][] } {
    const wanted = new Map<string, string>();
    const refusals: [string, string][] = [];
    for (const ticker of this.followed) {
      const refused = this.refusedByKis.get(ticker);
      if (refused !== undefined) continue;
      if (wanted.size < this.limit) {
        wanted.set(this.keyOf(ticker), ticker);
        this.reported.delete(ticker);
      } else if (this.report(ticker, OVER_LIMIT)) refusals.push([ticker, OVER_LIMIT]);
    }
    return { wanted, refusals };
  }

  /** KIS refused the ticker's registration; true when the reason is new and should be reported. */
  refusedByServer(ticker: string, reason: string): boolean {
    this.refusedByKis.set(ticker, reason);
    return this.report(ticker, reason);
  }

  private report(ticker: string, reason: string): boolean {
    if (this.reported.get(ticker) === reason) return false;
    this.reported.set(ticker, reason);
    return true;
  }
}
