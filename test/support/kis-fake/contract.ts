/** The contract of /work/shared/kis-api.md, written out independently of the adapter. */
export type FakeEnv = "paper" | "real";

export const TR: Record<FakeEnv, Record<string, string>> = {
  real: { buy: "TTTT1002U", sell: "TTTT1006U", cancel: "TTTT1004U", balance: "TTTS3012R", ccnl: "TTTS3035R", quote: "HHDFS00000300", daily: "HHDFS76240000" },
  paper: { buy: "VTTT1002U", sell: "VTTT1001U", cancel: "VTTT1004U", balance: "VTTS3012R", ccnl: "VTTS3035R", quote: "HHDFS00000300", daily: "HHDFS76240000" },
};

export const PATH = {
  token: "/oauth2/tokenP",
  order: "/uapi/overseas-stock/v1/trading/order",
  rvsecncl: "/uapi/overseas-stock/v1/trading/order-rvsecncl",
  balance: "/uapi/overseas-stock/v1/trading/inquire-balance",
  ccnl: "/uapi/overseas-stock/v1/trading/inquire-ccnl",
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
export const CCNL_FIELDS = ["ord_dt", "ord_gno_brno", "odno", "orgn_odno", "sll_buy_dvsn_cd", "sll_buy_dvsn_cd_name", "rvse_cncl_dvsn", "pdno", "prdt_name", "ft_ord_qty", "ft_ord_unpr3", "ft_ccld_qty", "ft_ccld_unpr3", "ft_ccld_amt3", "nccs_qty", "prcs_stat_name", "rjct_rson", "ord_tmd", "tr_mket_name", "tr_crcy_cd", "ovrs_excg_cd"];

export function blankRow(fields: string[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f, ""]));
}

/** KST date and time (YYYYMMDD, HHMMSS) of an instant. */
export function kst(at: Date): { date: string; time: string } {
  const iso = new Date(at.getTime() + 9 * 3600_000).toISOString();
  return { date: iso.slice(0, 10).replaceAll("-", ""), time: iso.slice(11, 19).replaceAll(":", "") };
}

/** A paging cursor: 200 characters, space-padded. */
export function cursor(offset: number): string {
  return `OFFSET${offset}`.padEnd(200, " ");
}

export function offsetOf(c: string | null): number {
  const m = /^OFFSET(\d+)/.exec((c ?? "").trim());
  return m ? Number(m[1]) : 0;
}
