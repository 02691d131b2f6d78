/** The contract of /work/shared/kis-api.md, written out independently of the adapter. */
export type FakeEnv = "paper" | "real";

export const TR: Record<FakeEnv, Record<string, string>> = {
  real: { buy: "TTTT1002U", sell: "TTTT1006U", cancel: "TTTT1004U", balance: "TTTS3012R", psamount: "TTTS3007R", ccnl: "TTTS3035R", quote: "HHDFS00000300", daily: "HHDFS76240000", periodTrans: "CTOS4001R" },
  // The daily transaction history has no paper tr_id (KIS's samples name CTOS4001R only): paper answers it as an unknown tr_id.
  paper: { buy: "VTTT1002U", sell: "VTTT1001U", cancel: "VTTT1004U", balance: "VTTS3012R", psamount: "VTTS3007R", ccnl: "VTTS3035R", quote: "HHDFS00000300", daily: "HHDFS76240000" },
};

export const PATH = {
  token: "/oauth2/tokenP",
  order: "/uapi/overseas-stock/v1/trading/order",
  rvsecncl: "/uapi/overseas-stock/v1/trading/order-rvsecncl",
  balance: "/uapi/overseas-stock/v1/trading/inquire-balance",
  ccnl: "/uapi/overseas-stock/v1/trading/inquire-ccnl",
  psamount: "/uapi/overseas-stock/v1/trading/inquire-psamount",
  periodTrans: "/uapi/overseas-stock/v1/trading/inquire-period-trans",
  quote: "/uapi/overseas-price/v1/quotations/price",
  daily: "/uapi/overseas-price/v1/quotations/dailyprice",
  approval: "/oauth2/Approval",
} as const;

/** Which tr_ids each path accepts, per environment. */
export const PATH_TR: Record<string, (keyof (typeof TR)["real"])[]> = {
  [PATH.order]: ["buy", "sell"],
  [PATH.rvsecncl]: ["cancel"],
  [PATH.balance]: ["balance"],
  [PATH.ccnl]: ["ccnl"],
  [PATH.psamount]: ["psamount"],
  [PATH.periodTrans]: ["periodTrans"],
  [PATH.quote]: ["quote"],
  [PATH.daily]: ["daily"],
};

/** Fields of the price quotation's `output` (HHDFS00000300): no time among them. */
export const QUOTE_FIELDS = ["rsym", "zdiv", "base", "pvol", "last", "sign", "diff", "rate", "tvol", "tamt", "ordy"];
/** Fields of a dailyprice `output2` row (HHDFS76240000). */
export const DAILY_FIELDS = ["xymd", "clos", "sign", "diff", "rate", "open", "high", "low", "tvol", "tamt", "pbid", "vbid", "pask", "vask"];

/** HDFSCNT0 record columns, in wire order (KIS's legacy WebSocket samples, 26 per record). */
export const TRADE_COLUMNS = ["RSYM", "SYMB", "ZDIV", "TYMD", "XYMD", "XHMS", "KYMD", "KHMS", "OPEN", "HIGH", "LOW", "LAST", "SIGN", "DIFF", "RATE", "PBID", "PASK", "VBID", "VASK", "EVOL", "TVOL", "TAMT", "BIVL", "ASVL", "STRN", "MTYP"];

export const BALANCE_FIELDS = ["ovrs_pdno", "ovrs_item_name", "ovrs_cblc_qty", "ord_psbl_qty", "pchs_avg_pric", "now_pric2", "ovrs_stck_evlu_amt", "frcr_evlu_pfls_amt", "evlu_pfls_rt", "ovrs_excg_cd"];
export const CCNL_FIELDS = ["ord_dt", "ord_gno_brno", "odno", "orgn_odno", "sll_buy_dvsn_cd", "sll_buy_dvsn_cd_name", "rvse_cncl_dvsn", "pdno", "prdt_name", "ft_ord_qty", "ft_ord_unpr3", "ft_ccld_qty", "ft_ccld_unpr3", "ft_ccld_amt3", "nccs_qty", "prcs_stat_name", "rjct_rson", "ord_tmd", "tr_mket_name", "tr_crcy_cd", "ovrs_excg_cd", "dmst_ord_dt", "thco_ord_tmd"];

/** inquire-psamount `output` (one object), as in KIS's sample chk_inquire_psamount.py. */
export const PSAMOUNT_FIELDS = ["tr_crcy_cd", "ord_psbl_frcr_amt", "sll_ruse_psbl_amt", "ovrs_ord_psbl_amt", "max_ord_psbl_qty", "echm_af_ord_psbl_amt", "echm_af_ord_psbl_qty", "ord_psbl_qty", "exrt", "frcr_ord_psbl_amt1", "ovrs_max_ord_psbl_qty"];
/** inquire-period-trans `output1` rows (CTOS4001R), as in KIS's sample chk_inquire_period_trans.py. */
export const PERIOD_TRANS_FIELDS = ["trad_dt", "sttl_dt", "sll_buy_dvsn_cd", "sll_buy_dvsn_name", "pdno", "ovrs_item_name", "ccld_qty", "amt_unit_ccld_qty", "ft_ccld_unpr2", "ovrs_stck_ccld_unpr", "tr_frcr_amt2", "tr_amt", "frcr_excc_amt_1", "wcrc_excc_amt", "dmst_frcr_fee1", "frcr_fee1", "dmst_wcrc_fee", "ovrs_wcrc_fee", "crcy_cd", "std_pdno", "erlm_exrt", "loan_dvsn_cd", "loan_dvsn_name"];
/** inquire-period-trans `output2` totals. */
export const PERIOD_TRANS_TOTALS = ["frcr_buy_amt_smtl", "frcr_sll_amt_smtl", "dmst_fee_smtl", "ovrs_fee_smtl"];

export function blankRow(fields: string[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f, ""]));
}

/** KST date and time (YYYYMMDD, HHMMSS) of an instant. */
export function kst(at: Date): { date: string; time: string } {
  const iso = new Date(at.getTime() + 9 * 3600_000).toISOString();
  return { date: iso.slice(0, 10).replaceAll("-", ""), time: iso.slice(11, 19).replaceAll(":", "") };
}

/** Built once: the fake reads every order's New York date on each order-status query. */
const NEW_YORK = new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });

/**
 * New York date and time (YYYYMMDD, HHMMSS) of a KST date and time. KIS's samples describe the
 * order-status dates as local (현지시각 기준) and carry the Korean ones apart (dmst_ord_dt,
 * thco_ord_tmd); the statement's trade date is taken to be local too.
 */
export function newYork(o: { date: string; time: string }): { date: string; time: string } {
  const at = new Date(Date.UTC(+o.date.slice(0, 4), +o.date.slice(4, 6) - 1, +o.date.slice(6, 8), +o.time.slice(0, 2), +o.time.slice(2, 4), +o.time.slice(4, 6)) - 9 * 3600_000);
  const parts = Object.fromEntries(NEW_YORK.formatToParts(at).map((p) => [p.type, p.value]));
  return { date: `${parts.year}${parts.month}${parts.day}`, time: `${parts.hour}${parts.minute}${parts.second}` };
}

/** The New York date of a KST date and time: the trade date the statement books. */
export function newYorkDate(o: { date: string; time: string }): string {
  return newYork(o).date;
}

/** A paging cursor: 200 characters (the statement's: 100), space-padded. */
export function cursor(offset: number, width = 200): string {
  return `OFFSET${offset}`.padEnd(width, " ");
}

export function offsetOf(c: string | null): number {
  const m = /^OFFSET(\d+)/.exec((c ?? "").trim());
  return m ? Number(m[1]) : 0;
}
