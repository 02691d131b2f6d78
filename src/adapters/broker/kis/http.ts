import { type KisEnv, KIS_RATE_PER_SECOND } from "./environments.js";
import { KisError, refusal, unclear } from "./errors.js";
import { type KisLane, type KisPacer, processPacer, takeSlot } from "./pacer.js";
import type { TokenCache } from "./token-cache.js";

export type KisBody = Record<string, string>;

export interface KisRequest {
  method: "GET" | "POST";
  path: string;
  trId: string;
  /** Query string (GET) or JSON body (POST): UPPERCASE keys, string values only. */
  params: KisBody;
  /** "" for a first page, "N" for the next ones. */
  trCont?: "" | "N";
  /** An order is never retried automatically; a query is (rate limit, expired token). */
  kind: "query" | "order";
  /** "trading" by default; quotes and history go as "market-data" and yield to orders. */
  lane?: KisLane;
}

export interface KisResponse {
  body: Record<string, unknown>;
  /** Response header tr_cont: F/M more pages, D/E last. */
  trCont: string;
  httpStatus: number;
}

export interface KisHttpOptions {
  env: KisEnv;
  baseUrl: string;
  appKey: string;
  appSecret: string;
  tokens: TokenCache;
  timeoutMs?: number;
  /** Back-off after EGW00201, multiplied by the attempt number (default 1000 ms). */
  rateLimitBackoffMs?: number;
  /** Attempts after EGW00201 before giving up (default 3). */
  rateLimitRetries?: number;
  /** Requests per second; the environment's rate by default. */
  ratePerSecond?: number;
  /**
   * The schedule shared with other processes on the same app key (RedisKisPacer). Without one,
   * requests are paced per (base URL, app key) within this process only.
   */
  pacer?: KisPacer;
  /** How long a market-data request waits for a free slot before it is "paced" (default 2000 ms). */
  marketDataWaitMs?: number;
}

const UPPER_KEY = /^[A-Z0-9_]+$/;

export class KisHttp {
  constructor(private readonly o: KisHttpOptions) {}

  async request(req: KisRequest): Promise<KisResponse> {
    for (const [k, v] of Object.entries(req.params)) {
      if (!UPPER_KEY.test(k)) throw new KisError("BAD_REQUEST", `parameter ${k} is not UPPERCASE`, `KIS: bad request (${k})`, false);
      if (typeof v !== "string") throw new KisError("BAD_REQUEST", `parameter ${k} is not a string`, `KIS: bad request (${k})`, false);
    }
    let token: string;
    try {
      token = await this.o.tokens.get();
    } catch (e) {
      // Nothing was sent to the trading endpoint yet: a failed token is a clear "not done".
      if (e instanceof KisError) throw new KisError(e.code, `token unavailable: ${e.message}`, e.operatorText, true, false, e.httpStatus);
      throw e;
    }
    let refreshed = false;
    let rateLimited = 0;
    for (;;) {
      try {
        return await this.once(req, token);
      } catch (e) {
        if (!(e instanceof KisError) || req.kind === "order") throw e;
        if ((e.code === "EGW00123" || e.code === "EGW00121") && !refreshed) {
          refreshed = true;
          token = await this.o.tokens.get(token);
          continue;
        }
        if (e.code === "EGW00201" && rateLimited < (this.o.rateLimitRetries ?? 3)) {
          rateLimited += 1;
          await new Promise((r) => setTimeout(r, (this.o.rateLimitBackoffMs ?? 1000) * rateLimited));
          continue;
        }
        throw e;
      }
    }
  }

  /**
   * Every page of a paged query: cursors CTX_AREA_FK200 / CTX_AREA_NK200 (CTX_AREA_FK100 /
   * CTX_AREA_NK100 with `cursor` 100, as the statement pages) are carried from each answer (kept
   * exactly, space-padded) while tr_cont says F or M.
   */
  async pages(req: Omit<KisRequest, "trCont" | "kind">, maxPages = 50, cursor: 100 | 200 = 200): Promise<KisResponse[]> {
    const out: KisResponse[] = [];
    const [fk, nk] = [`CTX_AREA_FK${cursor}`, `CTX_AREA_NK${cursor}`];
    let params = { ...req.params, [fk]: req.params[fk] ?? "", [nk]: req.params[nk] ?? "" };
    for (let page = 0; page < maxPages; page++) {
      const res = await this.request({ ...req, params, trCont: page === 0 ? "" : "N", kind: "query" });
      out.push(res);
      if (res.trCont !== "F" && res.trCont !== "M") return out;
      params = { ...params, [fk]: str(res.body[fk.toLowerCase()]), [nk]: str(res.body[nk.toLowerCase()]) };
    }
    throw new KisError("PAGING", `more than ${maxPages} pages`, "KIS: too many pages", false);
  }

  private async once(req: KisRequest, token: string): Promise<KisResponse> {
    const rate = this.o.ratePerSecond ?? KIS_RATE_PER_SECOND[this.o.env];
    const waitMs = this.o.marketDataWaitMs ?? 2000;
    if (!(await takeSlot(this.o.pacer ?? processPacer, { baseUrl: this.o.baseUrl, appKey: this.o.appKey }, req.lane ?? "trading", rate, waitMs))) {
      // Nothing was sent: the caller (a quote poll) skips this request for now.
      throw new KisError("PACED", `no free request slot for market data within ${waitMs} ms`, "KIS: market data paced (orders go first)", true);
    }
    const headers = {
      "content-type": "application/json; charset=utf-8",
      authorization: `Bearer ${token}`,
      appkey: this.o.appKey,
      appsecret: this.o.appSecret,
      tr_id: req.trId,
      custtype: "P",
      tr_cont: req.trCont ?? "",
    };
    const url = new URL(req.path, this.o.baseUrl);
    if (req.method === "GET") for (const [k, v] of Object.entries(req.params)) url.searchParams.set(k, v);
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method: req.method,
        headers,
        body: req.method === "POST" ? JSON.stringify(req.params) : undefined,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
      text = await res.text();
    } catch (e) {
      const err = e as Error;
      if (err.name === "TimeoutError" || err.name === "AbortError") throw unclear("TIMEOUT", `no answer within ${this.o.timeoutMs ?? 10_000} ms`);
      throw unclear("NETWORK", err.message);
    }
    let body: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    // rt_cd decides on every HTTP status (expired tokens and rate limits arrive as HTTP 500).
    const rtCd = body?.rt_cd;
    if (body && typeof rtCd === "string") {
      if (rtCd.trim() === "0") return { body, trCont: (res.headers.get("tr_cont") ?? "").trim(), httpStatus: res.status };
      throw refusal(str(body.msg_cd).trim(), str(body.msg1), res.status);
    }
    if (body && typeof body.error_code === "string") throw refusal(body.error_code, str(body.error_description), res.status);
    throw unclear(res.status >= 500 ? `HTTP_${res.status}` : "BAD_RESPONSE", `HTTP ${res.status} without a readable rt_cd`, res.status);
  }
}

export function str(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : "";
}
