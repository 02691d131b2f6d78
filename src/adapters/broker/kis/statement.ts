import type { StatementTrade } from "../../../app/ports/broker.js";
import { KIS_PATHS } from "./environments.js";
import { KisError } from "./errors.js";
import { type KisHttp, str } from "./http.js";
import { int, num, type Row, rowsOf } from "./rows.js";

export interface StatementQuery {
  accountNo: string;
  accountProductCode: string;
  /** CTOS4001R; KIS has no paper tr_id for it. */
  trId: string;
  /** Exchange-local trade dates, YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
}

/**
 * GET inquire-period-trans (CTOS4001R, "해외주식 일별거래내역", HTS screen 0828): the account's
 * overseas trades as booked, paged with CTX_AREA_FK100 / CTX_AREA_NK100. Blank exchange, ticker
 * and loan code ask for everything (KIS's Postman collection); SLL_BUY_DVSN_CD 00 both sides.
 * Rows are `output1`; `output2` holds totals and is not read.
 */
export async function requestStatement(http: KisHttp, q: StatementQuery): Promise<StatementTrade[]> {
  let pages;
  try {
    pages = await http.pages(
      {
        method: "GET",
        path: KIS_PATHS.periodTrans,
        trId: q.trId,
        params: {
          CANO: q.accountNo,
          ACNT_PRDT_CD: q.accountProductCode,
          ERLM_STRT_DT: q.from.replaceAll("-", ""),
          ERLM_END_DT: q.to.replaceAll("-", ""),
          OVRS_EXCG_CD: "",
          PDNO: "",
          SLL_BUY_DVSN_CD: "00",
          LOAN_DVSN_CD: "",
        },
      },
      50,
      100,
    );
  } catch (e) {
    // "Nothing to show" is an empty statement, not a failure.
    if (e instanceof KisError && e.code === "KIOK0560") return [];
    throw e;
  }
  return pages.flatMap((p) => rowsOf(p.body.output1)).flatMap((r) => tradeOf(r) ?? []);
}

/**
 * One statement row as a trade, or undefined while it cannot be read (not yet settled figures,
 * another currency): such a row is left for a later run, never guessed.
 *
 * The fee is what cash moved beyond the traded amount: frcr_excc_amt_1 (USD settled) against
 * tr_frcr_amt2 (USD traded): paid more on a BUY, received less on a SELL. KIS splits it into
 * dmst_frcr_fee1 and frcr_fee1 without documenting whether one includes the other; the settled
 * amount holds whatever the split is.
 */
export function tradeOf(r: Row): StatementTrade | undefined {
  const date = str(r.trad_dt).trim();
  const code = str(r.sll_buy_dvsn_cd).trim();
  const currency = str(r.crcy_cd).trim();
  const quantity = int(r.ccld_qty);
  const traded = num(r.tr_frcr_amt2);
  const settled = num(r.frcr_excc_amt_1);
  if (!/^\d{8}$/.test(date) || (code !== "01" && code !== "02") || (currency !== "" && currency !== "USD")) return undefined;
  if (!Number.isSafeInteger(quantity) || quantity <= 0 || !traded || !settled) return undefined;
  const side = code === "01" ? "SELL" : "BUY";
  const fee = side === "BUY" ? settled.minus(traded) : traded.minus(settled);
  if (fee.isNegative()) return undefined;
  return { tradeDate: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`, ticker: str(r.pdno).trim(), side, quantity, fee };
}
