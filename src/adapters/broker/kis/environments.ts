/** KIS hosts, tr_ids and limits per environment, as in /work/shared/kis-api.md. */
export type KisEnv = "paper" | "real";
export type OrderExchange = "NASD" | "NYSE" | "AMEX";
export type QuoteExchange = "NAS" | "NYS" | "AMS";

export const KIS_HOSTS: Record<KisEnv, string> = {
  real: "https://openapi.koreainvestment.com:9443",
  paper: "https://openapivts.koreainvestment.com:29443",
};

export interface TrIds {
  buy: string;
  sell: string;
  cancel: string;
  balance: string;
  psamount: string;
  ccnl: string;
  quote: string;
  /** Daily transaction history (the statement, with fees): real only, none on paper. */
  periodTrans: string | undefined;
}

export const KIS_TR_IDS: Record<KisEnv, TrIds> = {
  real: { buy: "TTTT1002U", sell: "TTTT1006U", cancel: "TTTT1004U", balance: "TTTS3012R", psamount: "TTTS3007R", ccnl: "TTTS3035R", quote: "HHDFS00000300", periodTrans: "CTOS4001R" },
  // Paper sell is VTTT1001U, not VTTT1006U.
  paper: { buy: "VTTT1002U", sell: "VTTT1001U", cancel: "VTTT1004U", balance: "VTTS3012R", psamount: "VTTS3007R", ccnl: "VTTS3035R", quote: "HHDFS00000300", periodTrans: undefined },
};

export const KIS_PATHS = {
  token: "/oauth2/tokenP",
  /** WebSocket approval key: body {grant_type, appkey, secretkey} (secretkey, not appsecret). */
  approval: "/oauth2/Approval",
  order: "/uapi/overseas-stock/v1/trading/order",
  rvsecncl: "/uapi/overseas-stock/v1/trading/order-rvsecncl",
  balance: "/uapi/overseas-stock/v1/trading/inquire-balance",
  psamount: "/uapi/overseas-stock/v1/trading/inquire-psamount",
  ccnl: "/uapi/overseas-stock/v1/trading/inquire-ccnl",
  /** Daily transaction history (CTOS4001R): trades as settled, with fees; pages with 100-character cursors. */
  periodTrans: "/uapi/overseas-stock/v1/trading/inquire-period-trans",
  quote: "/uapi/overseas-price/v1/quotations/price",
  /** Daily, weekly or monthly bars (HHDFS76240000), the same tr_id on real and paper. */
  dailyPrice: "/uapi/overseas-price/v1/quotations/dailyprice",
} as const;

/** tr_id of the daily bars quotation: one for both environments (KIS's Postman collections). */
export const KIS_DAILY_PRICE_TR_ID = "HHDFS76240000";

/**
 * Real-time WebSocket hosts (kis_devlp.yaml `ops` / `vops` in koreainvestment/open-trading-api);
 * the current samples connect to the `/tryitout` path on them.
 */
export const KIS_WS_URLS: Record<KisEnv, string> = {
  real: "ws://ops.koreainvestment.com:21000/tryitout",
  paper: "ws://ops.koreainvestment.com:31000/tryitout",
};

/** Real-time trades of overseas stocks (US: no delay, "실시간지연체결가" in KIS's list). */
export const KIS_TRADES_TR_ID = "HDFSCNT0";

/** Registrations one WebSocket session may hold (the samples refuse more than 40). */
export const KIS_WS_SUBSCRIPTION_LIMIT = 40;

/** Orders and balances use NASD/NYSE/AMEX; quotes use NAS/NYS/AMS. */
export const QUOTE_EXCHANGE: Record<OrderExchange, QuoteExchange> = { NASD: "NAS", NYSE: "NYS", AMEX: "AMS" };
export const ORDER_EXCHANGES: readonly OrderExchange[] = ["NASD", "NYSE", "AMEX"];

/** Requests per second per app key (unverified in the contract: paced conservatively). */
export const KIS_RATE_PER_SECOND: Record<KisEnv, number> = { real: 20, paper: 2 };

/** Tickers' order exchanges; anything not listed uses the default (NASD). Injectable on the broker. */
export const DEFAULT_EXCHANGES: Readonly<Record<string, OrderExchange>> = {
  NVDA: "NASD",
  AAPL: "NASD",
  MSFT: "NASD",
  AMZN: "NASD",
  GOOGL: "NASD",
  META: "NASD",
  TSLA: "NASD",
  ORCL: "NYSE",
  NKE: "NYSE",
  JPM: "NYSE",
  KO: "NYSE",
  SPY: "AMEX",
};
