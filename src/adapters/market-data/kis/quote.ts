import { type KisEnv, KIS_PATHS, KIS_TR_IDS, type QuoteExchange } from "../../broker/kis/environments.js";
import type { KisHttp } from "../../broker/kis/http.js";
import type { KisLane } from "../../broker/kis/pacer.js";
import { parseNumber } from "../../broker/kis/prices.js";
import type { Dec } from "../../../domain/decimal.js";

/** A price quotation (HHDFS00000300): the last trade's price and the day's volume, no time. */
export interface KisQuote {
  last: Dec;
  /** Shares traded today; undefined when KIS left it blank. */
  tvol: bigint | undefined;
}

/** The quote of one ticker on one exchange, or undefined when KIS has no last price there (blank or zero). */
export async function requestQuote(http: KisHttp, env: KisEnv, exchange: QuoteExchange, ticker: string, lane: KisLane): Promise<KisQuote | undefined> {
  const res = await http.request({
    method: "GET",
    path: KIS_PATHS.quote,
    trId: KIS_TR_IDS[env].quote,
    kind: "query",
    lane,
    params: { AUTH: "", EXCD: exchange, SYMB: ticker },
  });
  const output = res.body.output;
  const row = output && typeof output === "object" && !Array.isArray(output) ? (output as Record<string, unknown>) : {};
  const last = parseNumber(row.last);
  if (!last || !last.gt(0)) return undefined;
  return { last, tvol: wholeShares(row.tvol) };
}

/** A KIS share count as a bigint, or undefined when blank, negative or not whole. */
export function wholeShares(v: unknown): bigint | undefined {
  const n = parseNumber(v);
  if (!n || n.isNegative() || !n.isInteger()) return undefined;
  return BigInt(n.toFixed(0));
}
