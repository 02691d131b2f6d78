import type { Redis } from "ioredis";
import type { Broker, BrokerFill, BrokerOrder, BrokerPosition, BuyingPower, StatementTrade, SubmitResult } from "../../../app/ports/broker.js";
import { Dec } from "../../../domain/decimal.js";
import type { Side } from "../../../domain/vocabulary.js";
import { DEFAULT_EXCHANGES, type KisEnv, KIS_HOSTS, KIS_PATHS, KIS_TR_IDS, ORDER_EXCHANGES, type OrderExchange, QUOTE_EXCHANGE } from "./environments.js";
import { requestBuyingPower } from "./buying-power.js";
import { KisError } from "./errors.js";
import { type KisBody, KisHttp, str } from "./http.js";
import type { KisPacer } from "./pacer.js";
import { formatLimit, marketableLimit } from "./prices.js";
import { exchangeDate, int, kstInstant, num, type Row, rowsOf } from "./rows.js";
import { QuoteClock } from "../../market-data/kis/quote-clock.js";
import { requestQuote } from "../../market-data/kis/quote.js";
import { requestStatement } from "./statement.js";
import { TokenCache } from "./token-cache.js";

export interface KisBrokerOptions {
  env: KisEnv;
  appKey: string;
  appSecret: string;
  /** CANO, 8 digits. */
  accountNo: string;
  /** ACNT_PRDT_CD, usually "01". */
  accountProductCode: string;
  redis: Redis;
  redisPrefix?: string;
  /** The environment's host by default; a fake's URL in tests. */
  baseUrl?: string;
  timeoutMs?: number;
  /** A market order becomes a limit this far (percent) through the last price (default 1). */
  collarPct?: number;
  /** ticker -> order exchange; tickers not listed use `defaultExchange` (NASD). */
  exchanges?: Readonly<Record<string, OrderExchange>>;
  defaultExchange?: OrderExchange;
  /** How many days back fills() and findOrders() look (default 7). */
  lookbackDays?: number;
  issueIntervalMs?: number;
  rateLimitBackoffMs?: number;
  ratePerSecond?: number;
  now?: () => Date;
  /** Stamps quotes with a time no later than their trade (share the poller's to learn from its polls). */
  quoteClock?: QuoteClock;
  /** Pacing shared with every process on this app key (orders book first; market data yields). Per process when absent. */
  pacer?: KisPacer;
}

/** An order as the fills / order-status query reports it. */
export interface KisOrder {
  brokerOrderId: string;
  originalOrderId: string;
  ticker: string;
  side: Side;
  quantity: number;
  limitPrice: Dec | undefined;
  filledQuantity: number;
  avgFillPrice: Dec | undefined;
  unfilledQuantity: number;
  status: string;
  rejectReason: string;
  at: Date | undefined;
}

/**
 * The live broker: US stocks through KIS's overseas-stock API (contract: /work/shared/kis-api.md).
 * Orders are limit orders; a market order is sent as a marketable limit. An order POST is never
 * retried: an unclear answer is `unknown`, to be reconciled through fills() / findOrders().
 */
export class KisBroker implements Broker {
  readonly name = "kis" as const;
  readonly fillsInline = false;
  private readonly http: KisHttp;
  private readonly tr;
  private readonly now: () => Date;
  private readonly placed = new Map<string, { ticker: string; quantity: number }>();
  private readonly quoteClock: QuoteClock;

  constructor(private readonly o: KisBrokerOptions) {
    const baseUrl = o.baseUrl ?? KIS_HOSTS[o.env];
    const tokens = new TokenCache({
      redis: o.redis,
      prefix: o.redisPrefix,
      env: o.env,
      baseUrl,
      appKey: o.appKey,
      appSecret: o.appSecret,
      timeoutMs: o.timeoutMs,
      issueIntervalMs: o.issueIntervalMs,
    });
    this.http = new KisHttp({ env: o.env, baseUrl, appKey: o.appKey, appSecret: o.appSecret, tokens, timeoutMs: o.timeoutMs, rateLimitBackoffMs: o.rateLimitBackoffMs, ratePerSecond: o.ratePerSecond, ...(o.pacer ? { pacer: o.pacer } : {}) });
    this.tr = KIS_TR_IDS[o.env];
    this.now = o.now ?? (() => new Date());
    this.quoteClock = o.quoteClock ?? new QuoteClock();
  }

  exchangeOf(ticker: string): OrderExchange {
    return this.o.exchanges?.[ticker] ?? DEFAULT_EXCHANGES[ticker] ?? this.o.defaultExchange ?? "NASD";
  }

  async submit(order: BrokerOrder): Promise<SubmitResult> {
    if (!Number.isInteger(order.quantity) || order.quantity <= 0) return { status: "rejected", reason: `KIS: quantity must be whole shares (${order.quantity})` };
    let price: string;
    if (order.orderType === "limit") {
      if (!order.limitPrice || order.limitPrice.lte(0)) return { status: "rejected", reason: "KIS: a limit order needs a positive limit price" };
      price = formatLimit(order.side, order.limitPrice);
    } else {
      let last: { price: Dec } | undefined;
      try {
        last = await this.quote(order.ticker);
      } catch (e) {
        return { status: "rejected", reason: `no quote for the marketable limit: ${e instanceof KisError ? e.operatorText : String(e)}` };
      }
      if (!last) return { status: "rejected", reason: `KIS: no last price for ${order.ticker}` };
      price = marketableLimit(order.side, last.price, this.o.collarPct ?? 1);
    }
    const body: KisBody = {
      CANO: this.o.accountNo,
      ACNT_PRDT_CD: this.o.accountProductCode,
      OVRS_EXCG_CD: this.exchangeOf(order.ticker),
      PDNO: order.ticker,
      ORD_QTY: String(order.quantity),
      OVRS_ORD_UNPR: price,
      CTAC_TLNO: "",
      MGCO_APTM_ODNO: "",
      SLL_TYPE: order.side === "SELL" ? "00" : "",
      ORD_SVR_DVSN_CD: "0",
      ORD_DVSN: "00",
    };
    try {
      const res = await this.http.request({ method: "POST", path: KIS_PATHS.order, trId: order.side === "BUY" ? this.tr.buy : this.tr.sell, params: body, kind: "order" });
      const odno = str((res.body.output as Row | undefined)?.ODNO).trim();
      if (!odno) return { status: "unknown", detail: "KIS answered rt_cd 0 without an ODNO" };
      this.placed.set(odno, { ticker: order.ticker, quantity: order.quantity });
      return { status: "accepted", brokerOrderId: odno };
    } catch (e) {
      if (e instanceof KisError) return e.unclear ? { status: "unknown", detail: e.operatorText } : { status: "rejected", reason: e.operatorText };
      return { status: "unknown", detail: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Cancels what remains of an order. A refusal is false; an unclear answer throws a KisError. */
  async cancel(brokerOrderId: string): Promise<boolean> {
    let ticker = this.placed.get(brokerOrderId)?.ticker;
    let remaining = this.placed.get(brokerOrderId)?.quantity;
    const row = (await this.orders()).find((r) => r.brokerOrderId === brokerOrderId);
    if (row) {
      ticker = row.ticker;
      remaining = row.unfilledQuantity;
    }
    if (!ticker || !remaining) return false;
    try {
      await this.http.request({
        method: "POST",
        path: KIS_PATHS.rvsecncl,
        trId: this.tr.cancel,
        kind: "order",
        params: {
          CANO: this.o.accountNo,
          ACNT_PRDT_CD: this.o.accountProductCode,
          OVRS_EXCG_CD: this.exchangeOf(ticker),
          PDNO: ticker,
          ORGN_ODNO: brokerOrderId,
          RVSE_CNCL_DVSN_CD: "02",
          ORD_QTY: String(remaining),
          OVRS_ORD_UNPR: "0",
          MGCO_APTM_ODNO: "",
          ORD_SVR_DVSN_CD: "0",
        },
      });
      return true;
    } catch (e) {
      if (e instanceof KisError && !e.unclear) return false;
      throw e;
    }
  }

  /**
   * The last price. KIS's quotation carries no time, so `at` is no later than the trade (see
   * QuoteClock); when nothing bounds it yet (first sight) `at` is the Unix epoch: a price of
   * unknown age must never pass for a fresh one.
   */
  async quote(ticker: string): Promise<{ price: Dec; at: Date } | undefined> {
    const q = await requestQuote(this.http, this.o.env, QUOTE_EXCHANGE[this.exchangeOf(ticker)], ticker, "trading");
    if (!q) return undefined;
    return { price: q.last, at: this.quoteClock.stamp(ticker, q.last, q.tvol, this.now()) ?? new Date(0) };
  }

  /**
   * Held shares across NASD, NYSE and AMEX (paper's NASD covers Nasdaq only). A ticker lists on
   * one exchange, so a ticker already seen (real's NASD may cover all US) is not counted twice.
   */
  async positions(_accountId?: string): Promise<BrokerPosition[]> {
    const out = new Map<string, number>();
    for (const exchange of ORDER_EXCHANGES) {
      const seen = new Set<string>();
      const pages = await this.http.pages({
        method: "GET",
        path: KIS_PATHS.balance,
        trId: this.tr.balance,
        params: { CANO: this.o.accountNo, ACNT_PRDT_CD: this.o.accountProductCode, OVRS_EXCG_CD: exchange, TR_CRCY_CD: "USD" },
      });
      for (const row of pages.flatMap((p) => rowsOf(p.body.output1))) {
        const ticker = str(row.ovrs_pdno).trim();
        const qty = int(row.ovrs_cblc_qty);
        if (!ticker || qty === 0) continue;
        if (out.has(ticker) && !seen.has(ticker)) continue;
        seen.add(ticker);
        out.set(ticker, (out.get(ticker) ?? 0) + qty);
      }
    }
    return [...out].map(([ticker, quantity]) => ({ ticker, quantity }));
  }

  /**
   * KIS reports one cumulative row per order: this is at most one BrokerFill carrying the filled
   * quantity so far at the average price, its id `<odno>-<cumulative qty>`. When the order fills
   * further the id changes: a consumer books the difference to what it already booked.
   */
  async fills(brokerOrderId: string): Promise<BrokerFill[]> {
    const row = (await this.orders()).find((r) => r.brokerOrderId === brokerOrderId);
    if (!row || row.filledQuantity <= 0 || !row.avgFillPrice) return [];
    return [{ quantity: row.filledQuantity, price: row.avgFillPrice, commission: new Dec(0), brokerFillId: `${row.brokerOrderId}-${row.filledQuantity}`, at: row.at ?? this.now() }];
  }

  /**
   * What KIS lets a BUY of `ticker` use (inquire-psamount). Without a price, at the marketable
   * limit a market order would be sent at now. Throws when KIS gives no usable answer.
   */
  async buyingPower(q: { ticker: string; price?: Dec }): Promise<BuyingPower> {
    let price = q.price;
    if (!price) {
      const last = await this.quote(q.ticker);
      if (!last) throw new KisError("NO_QUOTE", `no last price for ${q.ticker}`, `KIS: no last price for ${q.ticker}`, true);
      price = new Dec(marketableLimit("BUY", last.price, this.o.collarPct ?? 1));
    }
    const account = { accountNo: this.o.accountNo, accountProductCode: this.o.accountProductCode };
    return requestBuyingPower(this.http, { ...account, trId: this.tr.psamount, exchange: this.exchangeOf(q.ticker), ticker: q.ticker, price });
  }

  /** The daily transaction history with fees (inquire-period-trans); undefined on paper, which has none. */
  async statement(q: { from: string; to: string }): Promise<StatementTrade[] | undefined> {
    if (!this.tr.periodTrans) return undefined;
    return requestStatement(this.http, { accountNo: this.o.accountNo, accountProductCode: this.o.accountProductCode, trId: this.tr.periodTrans, ...q });
  }

  /** Orders of a ticker and side placed at or after `from`: reconciles an order whose POST had no clear answer. */
  async findOrders(q: { ticker: string; side: Side; from: Date }): Promise<KisOrder[]> {
    const rows = await this.orders(q);
    return rows.filter((r) => r.ticker === q.ticker && r.side === q.side && (!r.at || r.at.getTime() >= q.from.getTime() - 1000));
  }

  /** Every order row over the look-back window (paged inquire-ccnl). */
  private async orders(q?: { ticker: string; side: Side; from: Date }): Promise<KisOrder[]> {
    const end = this.now();
    const startAt = new Date(Math.min(end.getTime() - (this.o.lookbackDays ?? 7) * 86_400_000, (q?.from.getTime() ?? Infinity) - 86_400_000));
    // Paper: PDNO and OVRS_EXCG_CD must be empty and the filters "00"; rows are filtered here.
    const narrow = this.o.env === "real" && q;
    const params: KisBody = {
      CANO: this.o.accountNo,
      ACNT_PRDT_CD: this.o.accountProductCode,
      PDNO: narrow ? q.ticker : "",
      ORD_STRT_DT: exchangeDate(startAt),
      ORD_END_DT: exchangeDate(new Date(end.getTime() + 86_400_000)),
      SLL_BUY_DVSN: narrow ? (q.side === "SELL" ? "01" : "02") : "00",
      CCLD_NCCS_DVSN: "00",
      OVRS_EXCG_CD: narrow ? this.exchangeOf(q.ticker) : "",
      SORT_SQN: "DS",
      ORD_DT: "",
      ORD_GNO_BRNO: "",
      ODNO: "",
    };
    let pages;
    try {
      pages = await this.http.pages({ method: "GET", path: KIS_PATHS.ccnl, trId: this.tr.ccnl, params });
    } catch (e) {
      if (e instanceof KisError && e.code === "KIOK0560") return [];
      throw e;
    }
    return pages.flatMap((p) => rowsOf(p.body.output)).map(toOrder).filter((o) => o.brokerOrderId !== "");
  }
}

function toOrder(r: Row): KisOrder {
  return {
    brokerOrderId: str(r.odno).trim(),
    originalOrderId: str(r.orgn_odno).trim(),
    ticker: str(r.pdno).trim(),
    side: str(r.sll_buy_dvsn_cd).trim() === "01" ? "SELL" : "BUY",
    quantity: int(r.ft_ord_qty),
    limitPrice: num(r.ft_ord_unpr3),
    filledQuantity: int(r.ft_ccld_qty),
    avgFillPrice: num(r.ft_ccld_unpr3),
    unfilledQuantity: int(r.nccs_qty),
    status: str(r.prcs_stat_name).trim(),
    rejectReason: str(r.rjct_rson).trim(),
    // KIS's samples call ord_dt/ord_tmd local (현지시각) and dmst_ord_dt/thco_ord_tmd Korean: the latter when given.
    at: kstInstant(str(r.dmst_ord_dt), str(r.thco_ord_tmd)) ?? kstInstant(str(r.ord_dt), str(r.ord_tmd)),
  };
}
