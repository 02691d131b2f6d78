import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BALANCE_FIELDS, blankRow, CCNL_FIELDS, cursor, type FakeEnv, kst, newYork, newYorkDate, offsetOf, PATH, PATH_TR, TR } from "./contract.js";
import { type FakeDay, FakeQuotations } from "./quotations.js";
import { FakeAccount } from "./account.js";

export interface FakeRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** JSON body (POST) or query parameters (GET). */
  body: Record<string, unknown>;
  at: number;
}

export interface FakeOrder {
  env: FakeEnv;
  odno: string;
  ticker: string;
  exchange: string;
  side: "BUY" | "SELL";
  quantity: number;
  price: string;
  filled: number;
  cancelled: boolean;
  date: string;
  time: string;
}

export interface FakeFault {
  http?: number;
  rt_cd?: string;
  msg_cd?: string;
  msg1?: string;
  /** A raw body instead of JSON (an unparseable answer). */
  raw?: string;
}

export interface FakeOptions {
  /** App key -> environment and secret. */
  apps: Record<string, { env: FakeEnv; secret: string }>;
  /** Minimum time between two tokens of one app key (KIS: 60 s). */
  issueIntervalMs?: number;
  /** Shares filled at once for an order (default: all). */
  fillRule?: (order: FakeOrder) => number;
  ccnlPageSize?: Partial<Record<FakeEnv, number>>;
  balancePageSize?: number;
  /** Requests an app key may make in any rolling second; more are answered EGW00201 (default: no limit). */
  perSecondLimit?: number;
}

type Json = Record<string, unknown>;

/** A KIS Open API fake for both environments, on 127.0.0.1 and a free port. */
export class KisFake {
  readonly requests: FakeRequest[] = [];
  readonly orders: FakeOrder[] = [];
  url = "";
  private server!: Server;
  private readonly tokens = new Map<string, { appKey: string; valid: boolean }>();
  private readonly lastIssued = new Map<string, number>();
  private readonly faults = new Map<string, FakeFault[]>();
  private readonly hanging = new Set<string>();
  private rateLimited = 0;
  private fillers = false;
  private nextOdno = 4336;
  readonly market = new FakeQuotations();
  /** Buying power (inquire-psamount) and the statement (inquire-period-trans). */
  readonly account = new FakeAccount();
  private readonly holdings = new Map<string, Json[]>();
  /** Approval key -> app key: the WebSocket fake asks whether a key is valid. */
  private readonly approvalKeys = new Map<string, string>();
  private readonly recent = new Map<string, number[]>();
  private waiters: { path: string; resolve: (r: FakeRequest) => void }[] = [];
  /** Requests answered EGW00201 because the app key went over `perSecondLimit`. */
  overLimit = 0;

  private constructor(private readonly o: FakeOptions) {}

  static async start(o: FakeOptions): Promise<KisFake> {
    const fake = new KisFake(o);
    fake.server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((r) => fake.server.listen(0, "127.0.0.1", r));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  fail(path: string, fault: FakeFault): void {
    this.faults.set(path, [...(this.faults.get(path) ?? []), fault]);
  }
  expireTokens(): void {
    for (const t of this.tokens.values()) t.valid = false;
  }
  rateLimit(n: number): void {
    this.rateLimited = n;
  }
  hang(path: string): void {
    this.hanging.add(path);
  }
  unhang(path: string): void {
    this.hanging.delete(path);
  }
  setFillRule(rule: (order: FakeOrder) => number): void {
    this.o.fillRule = rule;
  }
  blankFillerRows(on: boolean): void {
    this.fillers = on;
  }
  setQuote(excd: string, symb: string, output: Json): void {
    this.market.setQuote(excd, symb, output);
  }
  setDaily(excd: string, symb: string, days: FakeDay[]): void {
    this.market.setDaily(excd, symb, days);
  }
  limitPerSecond(n: number | undefined): void {
    this.o.perSecondLimit = n;
  }
  /** Whether the WebSocket should accept this approval key (issued here and not revoked). */
  approvalKeyValid(key: unknown): boolean {
    return typeof key === "string" && this.approvalKeys.has(key);
  }
  revokeApprovalKeys(): void {
    this.approvalKeys.clear();
  }
  /** The most requests of one app key (token and approval excluded) seen within any 1000 ms. */
  busiestSecond(appKey: string): number {
    const at = this.requests.filter((r) => r.headers.appkey === appKey && r.path !== PATH.token && r.path !== PATH.approval).map((r) => r.at);
    let most = 0;
    for (let i = 0, j = 0; i < at.length; i++) {
      while (at[i]! - at[j]! >= 1000) j++;
      most = Math.max(most, i - j + 1);
    }
    return most;
  }
  /** Holdings of one environment's account on one exchange (NASD, NYSE, AMEX). */
  setHoldings(env: FakeEnv, exchange: string, rows: { ticker: string; quantity: number; avg?: string }[]): void {
    this.holdings.set(
      `${env}:${exchange}`,
      rows.map((r) => ({ ...blankRow(BALANCE_FIELDS), ovrs_pdno: r.ticker, ovrs_item_name: r.ticker, ovrs_cblc_qty: String(r.quantity), ord_psbl_qty: String(r.quantity), pchs_avg_pric: r.avg ?? "10.0000", ovrs_excg_cd: exchange })),
    );
  }
  /**
   * Books an order's fill on the statement, as KIS does once it has settled it: its filled
   * quantity at its price on its New York trade date, with these fees (USD).
   */
  postStatement(odno: string, commission: string, otherFees?: string): void {
    const o = this.orders.find((x) => x.odno === odno);
    if (!o || o.filled <= 0) throw new Error(`no filled order ${odno} at the fake`);
    this.account.addTrade(o.env, { date: newYorkDate(o), ticker: o.ticker, side: o.side, quantity: o.filled, price: o.price, commission, ...(otherFees ? { otherFees } : {}) });
  }
  /** Resolves with the next request that arrives at `path` (a test awaits the broker being asked, never a timer). */
  nextRequest(path: string): Promise<FakeRequest> {
    return new Promise((resolve) => this.waiters.push({ path, resolve }));
  }
  /** Orders arriving at `path`, counted from the recorded requests. */
  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    let raw = "";
    for await (const chunk of req) raw += String(chunk);
    let body: Json = Object.fromEntries(url.searchParams);
    if (req.method === "POST") {
      try {
        body = JSON.parse(raw) as Json;
      } catch {
        body = { __unparseable: raw };
      }
    }
    const recorded: FakeRequest = { method: req.method ?? "", path: url.pathname, headers: req.headers, body, at: Date.now() };
    this.requests.push(recorded);
    for (const w of this.waiters.filter((x) => x.path === url.pathname)) w.resolve(recorded);
    this.waiters = this.waiters.filter((x) => x.path !== url.pathname);
    const send = (status: number, json: Json, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(json));
    };
    const error = (msg_cd: string, msg1: string, status = 500): void => send(status, { rt_cd: "1", msg_cd, msg1: `${msg1}  ` });

    if (url.pathname === PATH.token) return this.token(body, send);
    if (url.pathname === PATH.approval) return this.approval(body, send);

    const h = (name: string): string | undefined => (typeof req.headers[name] === "string" ? req.headers[name] : undefined);
    const appKey = h("appkey");
    const app = appKey ? this.o.apps[appKey] : undefined;
    for (const name of ["content-type", "authorization", "appkey", "appsecret", "tr_id", "custtype", "tr_cont"]) {
      if (h(name) === undefined) return error("EGW00002", `missing header ${name}`, 400);
    }
    if (!h("content-type")?.startsWith("application/json")) return error("EGW00002", "content-type must be application/json", 400);
    if (h("custtype") !== "P") return error("EGW00002", "custtype must be P", 400);
    if (!app || app.secret !== h("appsecret")) return error("EGW00103", "invalid appkey/appsecret", 403);
    const token = /^Bearer (.+)$/.exec(h("authorization") ?? "")?.[1];
    const known = token ? this.tokens.get(token) : undefined;
    if (!known || known.appKey !== appKey) return error("EGW00121", "유효하지 않은 token 입니다.");
    if (!known.valid) return error("EGW00123", "기간이 만료된 token 입니다.");
    if (this.rateLimited > 0) {
      this.rateLimited -= 1;
      return error("EGW00201", "초당 거래건수를 초과하였습니다.");
    }
    if (this.overRate(appKey)) {
      this.overLimit += 1;
      return error("EGW00201", "초당 거래건수를 초과하였습니다.");
    }
    const allowed = PATH_TR[url.pathname];
    if (!allowed) return error("EGW00202", "unknown path", 404);
    const trId = h("tr_id") ?? "";
    const kind = allowed.find((k) => TR[app.env][k] === trId);
    if (!kind) {
      const other = app.env === "paper" ? "real" : "paper";
      const isOther = allowed.some((k) => TR[other][k] === trId);
      return error("EGW00205", isOther ? `tr_id ${trId} belongs to the ${other} environment, not ${app.env}` : `tr_id ${trId} is not valid for ${url.pathname}`);
    }
    for (const [k, v] of Object.entries(body)) {
      if (!/^[A-Z0-9_]+$/.test(k) || typeof v !== "string") return error("OPSQ0002", `field ${k}: keys must be UPPERCASE and values strings`);
    }
    const fault = this.faults.get(url.pathname)?.shift();
    if (this.hanging.has(url.pathname)) {
      if (url.pathname === PATH.order) this.order(app.env, kind, body); // placed, but the answer never comes
      return;
    }
    if (fault) {
      res.writeHead(fault.http ?? 200, { "content-type": "application/json; charset=utf-8" });
      if (fault.raw !== undefined) return void res.end(fault.raw);
      return void res.end(JSON.stringify(fault.rt_cd === undefined ? {} : { rt_cd: fault.rt_cd, msg_cd: fault.msg_cd ?? "", msg1: fault.msg1 ?? "" }));
    }
    const cont = h("tr_cont") ?? "";
    switch (url.pathname) {
      case PATH.order: {
        const out = this.order(app.env, kind, body);
        if (typeof out === "string") return error("APBK0656", out);
        return send(200, { rt_cd: "0", msg_cd: "APBK0013", msg1: "주문 전송 완료 되었습니다.", output: { KRX_FWDG_ORD_ORGNO: "01790", ODNO: out.odno, ORD_TMD: out.time } });
      }
      case PATH.rvsecncl: {
        const o = this.orders.find((x) => x.env === app.env && x.odno === body.ORGN_ODNO);
        if (body.RVSE_CNCL_DVSN_CD !== "02" || body.OVRS_ORD_UNPR !== "0") return error("APBK0918", "cancel needs RVSE_CNCL_DVSN_CD 02 and OVRS_ORD_UNPR 0");
        if (!o || o.cancelled || o.filled >= o.quantity) return error("APBK0344", "취소 가능한 주문이 없습니다");
        o.cancelled = true;
        return send(200, { rt_cd: "0", msg_cd: "APBK0013", msg1: "주문 전송 완료 되었습니다.", output: { KRX_FWDG_ORD_ORGNO: "01790", ODNO: String(this.nextOdno++).padStart(10, "0"), ORD_TMD: kst(new Date()).time } });
      }
      case PATH.balance: {
        for (const k of ["CANO", "ACNT_PRDT_CD", "OVRS_EXCG_CD", "TR_CRCY_CD", "CTX_AREA_FK200", "CTX_AREA_NK200"]) if (!(k in body)) return error("OPSQ0001", `missing ${k}`);
        const rows = this.holdings.get(`${app.env}:${String(body.OVRS_EXCG_CD)}`) ?? [];
        return this.page(send, cont, body, rows, this.o.balancePageSize ?? 100, "output1", BALANCE_FIELDS, { output2: { tot_evlu_pfls_amt: "0.00" } });
      }
      case PATH.ccnl: {
        for (const k of ["CANO", "ACNT_PRDT_CD", "PDNO", "ORD_STRT_DT", "ORD_END_DT", "SLL_BUY_DVSN", "CCLD_NCCS_DVSN", "OVRS_EXCG_CD", "SORT_SQN", "ORD_DT", "ORD_GNO_BRNO", "ODNO", "CTX_AREA_FK200", "CTX_AREA_NK200"]) if (!(k in body)) return error("OPSQ0001", `missing ${k}`);
        if (app.env === "paper" && (body.PDNO !== "" || body.OVRS_EXCG_CD !== "" || body.SLL_BUY_DVSN !== "00" || body.CCLD_NCCS_DVSN !== "00")) return error("OPSQ0003", "paper: PDNO and OVRS_EXCG_CD must be empty, filters 00");
        const rows = this.orders
          .filter((o) => o.env === app.env && newYorkDate(o) >= String(body.ORD_STRT_DT) && newYorkDate(o) <= String(body.ORD_END_DT))
          .filter((o) => body.PDNO === "" || o.ticker === body.PDNO)
          .filter((o) => body.SLL_BUY_DVSN === "00" || (body.SLL_BUY_DVSN === "01") === (o.side === "SELL"))
          .reverse()
          .map(ccnlRow);
        if (rows.length === 0) return send(200, { rt_cd: "0", msg_cd: "KIOK0560", msg1: "조회할 내용이 없습니다                                    ", ctx_area_fk200: "", ctx_area_nk200: "", output: blankRow(CCNL_FIELDS) });
        return this.page(send, cont, body, rows, this.o.ccnlPageSize?.[app.env] ?? (app.env === "paper" ? 15 : 100), "output", CCNL_FIELDS, {});
      }
      case PATH.psamount:
        return this.account.psamount(app.env, body, send, error);
      case PATH.periodTrans:
        return this.account.periodTrans(app.env, cont, body, send, error);
      case PATH.quote:
        return this.market.quote(body, send, error);
      case PATH.daily:
        return this.market.dailyPrice(body, send, error);
    }
  }

  private token(body: Json, send: (s: number, j: Json) => void): void {
    const appKey = typeof body.appkey === "string" ? body.appkey : "";
    const app = this.o.apps[appKey];
    if (body.grant_type !== "client_credentials" || !app || app.secret !== body.appsecret) return send(403, { error_code: "EGW00103", error_description: "유효하지 않은 AppKey입니다." });
    const last = this.lastIssued.get(appKey);
    if (last !== undefined && Date.now() - last < (this.o.issueIntervalMs ?? 60_000)) return send(403, { error_code: "EGW00133", error_description: "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)" });
    this.lastIssued.set(appKey, Date.now());
    const token = `tok-${app.env}-${this.tokens.size + 1}`;
    this.tokens.set(token, { appKey, valid: true });
    send(200, { access_token: token, token_type: "Bearer", expires_in: 86400, access_token_token_expired: "2099-01-01 00:00:00" });
  }

  /** POST /oauth2/Approval: {grant_type, appkey, secretkey} -> {approval_key}. */
  private approval(body: Json, send: (s: number, j: Json) => void): void {
    const fault = this.faults.get(PATH.approval)?.shift();
    if (fault) return send(fault.http ?? 500, { error_code: fault.msg_cd ?? "EGW00002", error_description: fault.msg1 ?? "server error" });
    const appKey = typeof body.appkey === "string" ? body.appkey : "";
    const app = this.o.apps[appKey];
    if (body.grant_type !== "client_credentials" || !app || app.secret !== body.secretkey) return send(403, { error_code: "EGW00103", error_description: "유효하지 않은 AppKey입니다." });
    const key = `appr-${app.env}-${this.approvalKeys.size + 1}-${Date.now().toString(36)}`;
    this.approvalKeys.set(key, appKey);
    send(200, { approval_key: key });
  }

  /** A rolling one-second window per app key. */
  private overRate(appKey: string): boolean {
    const limit = this.o.perSecondLimit;
    if (limit === undefined) return false;
    const now = Date.now();
    const recent = (this.recent.get(appKey) ?? []).filter((t) => now - t < 1000);
    this.recent.set(appKey, recent);
    if (recent.length >= limit) return true;
    recent.push(now);
    return false;
  }

  private order(env: FakeEnv, kind: string, b: Json): FakeOrder | string {
    for (const k of ["CANO", "ACNT_PRDT_CD", "OVRS_EXCG_CD", "PDNO", "ORD_QTY", "OVRS_ORD_UNPR", "CTAC_TLNO", "MGCO_APTM_ODNO", "SLL_TYPE", "ORD_SVR_DVSN_CD", "ORD_DVSN"]) if (!(k in b)) return `missing ${k}`;
    if (!["NASD", "NYSE", "AMEX"].includes(String(b.OVRS_EXCG_CD))) return `bad OVRS_EXCG_CD ${String(b.OVRS_EXCG_CD)}`;
    if (b.ORD_DVSN !== "00") return "ORD_DVSN must be 00 (limit)";
    if (b.SLL_TYPE !== (kind === "sell" ? "00" : "")) return "SLL_TYPE does not match the side";
    if (!/^\d+$/.test(String(b.ORD_QTY))) return "ORD_QTY must be whole shares";
    if (!/^\d+\.(\d{2}|\d{4})$/.test(String(b.OVRS_ORD_UNPR))) return `bad price ${String(b.OVRS_ORD_UNPR)}`;
    const { date, time } = kst(new Date());
    const o: FakeOrder = { env, odno: String(this.nextOdno++).padStart(10, "0"), ticker: String(b.PDNO), exchange: String(b.OVRS_EXCG_CD), side: kind === "sell" ? "SELL" : "BUY", quantity: Number(b.ORD_QTY), price: String(b.OVRS_ORD_UNPR), filled: 0, cancelled: false, date, time };
    o.filled = Math.min(o.quantity, this.o.fillRule ? this.o.fillRule(o) : o.quantity);
    this.orders.push(o);
    return o;
  }

  private page(send: (s: number, j: Json, h?: Record<string, string>) => void, cont: string, body: Json, rows: Json[], size: number, key: string, fields: string[], extra: Json): void {
    const offset = cont === "N" ? offsetOf(String(body.CTX_AREA_NK200)) : 0;
    const slice = rows.slice(offset, offset + size);
    const more = offset + size < rows.length;
    const out = this.fillers ? [...slice, blankRow(fields), blankRow(fields)] : slice;
    const trCont = more ? (offset === 0 ? "F" : "M") : offset === 0 ? "D" : "E";
    send(200, { rt_cd: "0", msg_cd: "KIOK0510", msg1: "조회가 완료되었습니다                                       ", ctx_area_fk200: cursor(offset + size), ctx_area_nk200: more ? cursor(offset + size) : "".padEnd(200, " "), [key]: out, ...extra }, { tr_cont: trCont });
  }
}

function ccnlRow(o: FakeOrder): Record<string, string> {
  const avg = o.filled > 0 ? o.price.padEnd(o.price.length + 3, "0") : "0";
  const local = newYork(o);
  return { ...blankRow(CCNL_FIELDS), ord_dt: local.date, dmst_ord_dt: o.date, thco_ord_tmd: o.time, odno: o.odno, orgn_odno: "", sll_buy_dvsn_cd: o.side === "SELL" ? "01" : "02", pdno: o.ticker, ft_ord_qty: String(o.quantity), ft_ord_unpr3: o.price, ft_ccld_qty: String(o.filled), ft_ccld_unpr3: avg, ft_ccld_amt3: "0", nccs_qty: String(o.cancelled ? 0 : o.quantity - o.filled), prcs_stat_name: o.cancelled ? "취소" : o.filled >= o.quantity ? "완료" : "접수", ord_tmd: local.time, ovrs_excg_cd: o.exchange, tr_crcy_cd: "USD" };
}

