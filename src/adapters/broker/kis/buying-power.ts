import type { BuyingPower } from "../../../app/ports/broker.js";
import { Dec } from "../../../domain/decimal.js";
import { KIS_PATHS, type OrderExchange } from "./environments.js";
import { KisError } from "./errors.js";
import { type KisHttp, str } from "./http.js";
import { priceDecimals } from "./prices.js";
import { num, rowsOf } from "./rows.js";

/**
 * The orderable-USD figures of an inquire-psamount answer (field names from KIS's sample
 * examples_llm/overseas_stock/inquire_psamount): ord_psbl_frcr_amt (orderable foreign currency),
 * ovrs_ord_psbl_amt (overseas orderable amount), frcr_ord_psbl_amt1 (foreign orderable amount 1).
 * KIS documents no formula between them, and an integrated-margin account counts won it would
 * exchange in some of them; the desk books USD only, so it believes the smallest.
 */
const CASH_FIELDS = ["ord_psbl_frcr_amt", "ovrs_ord_psbl_amt", "frcr_ord_psbl_amt1"] as const;
/** max_ord_psbl_qty, ord_psbl_qty, ovrs_max_ord_psbl_qty: the smallest one binds, as above. */
const QUANTITY_FIELDS = ["max_ord_psbl_qty", "ord_psbl_qty", "ovrs_max_ord_psbl_qty"] as const;

export interface PsamountQuery {
  accountNo: string;
  accountProductCode: string;
  trId: string;
  exchange: OrderExchange;
  ticker: string;
  /** The price the order would be sent at. */
  price: Dec;
}

/**
 * GET inquire-psamount (TTTS3007R real, VTTS3007R paper): what the broker lets a BUY of `ticker`
 * at `price` use. The price is sent rounded up to its tick, so the quantity is never overstated.
 * An answer without a USD figure or a quantity throws: the order path refuses without one.
 */
export async function requestBuyingPower(http: KisHttp, q: PsamountQuery): Promise<BuyingPower> {
  const dp = priceDecimals(q.price);
  const price = q.price.toDecimalPlaces(dp, Dec.ROUND_UP);
  const res = await http.request({
    method: "GET",
    path: KIS_PATHS.psamount,
    trId: q.trId,
    kind: "query",
    params: { CANO: q.accountNo, ACNT_PRDT_CD: q.accountProductCode, OVRS_EXCG_CD: q.exchange, OVRS_ORD_UNPR: price.toFixed(dp), ITEM_CD: q.ticker },
  });
  const row = rowsOf(res.body.output)[0];
  const currency = str(row?.tr_crcy_cd).trim();
  if (currency !== "" && currency !== "USD") throw unusable(`figures in ${currency}, not USD`);
  const cash = smallest(CASH_FIELDS.map((f) => num(row?.[f])));
  const quantity = smallest(QUANTITY_FIELDS.map((f) => num(row?.[f])));
  if (!cash || !quantity) throw unusable("no orderable amount or quantity in the answer");
  return { cash: Dec.max(cash, 0), maxQuantity: Math.max(0, Math.floor(quantity.toNumber())), price };
}

function smallest(values: (Dec | undefined)[]): Dec | undefined {
  const known = values.filter((v): v is Dec => v !== undefined);
  return known.length === 0 ? undefined : Dec.min(...known);
}

function unusable(detail: string): KisError {
  return new KisError("BAD_RESPONSE", `buying power: ${detail}`, `KIS: buying power unreadable (${detail})`, true);
}
