import type { IncomingMessage, ServerResponse } from "node:http";
import { DateTime } from "luxon";

/** A daily bar the fake serves; prices are decimal strings written into the JSON as numbers. */
export interface FakeBar {
  /** The trading day, YYYY-MM-DD. */
  date: string;
  o: string;
  h: string;
  l: string;
  c: string;
  v: number;
}

export interface BarsRequest {
  query: Record<string, string>;
  /** The APCA-API-KEY-ID header (the secret is checked, never kept). */
  keyId: string | undefined;
}

export interface BarsFault {
  status: number;
  /** Never answer (the client's timeout must fire); the fake's close() cuts it. */
  hang?: boolean;
  /** The body as sent (default: {"message": "..."} for the status). */
  body?: string;
}

const ADJUSTMENTS = new Set(["raw", "split", "dividend", "all"]);
const FEEDS = new Set(["iex", "sip", "otc", "boats"]);
const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * GET /v2/stocks/bars as Alpaca serves it ("Historical bars"): keys in the APCA-API-KEY-ID /
 * APCA-API-SECRET-KEY headers, results sorted by symbol then time, `limit` bars per page across
 * symbols, next_page_token until the last page. Daily bars are stamped at midnight New York.
 */
export class FakeBars {
  readonly requests: BarsRequest[] = [];
  private readonly series = new Map<string, FakeBar[]>();
  private readonly faults: BarsFault[] = [];

  constructor(
    private readonly keys: () => Record<string, string>,
    private readonly pageSize: number,
  ) {}

  set(ticker: string, bars: readonly FakeBar[]): void {
    for (const b of bars) {
      if (![b.o, b.h, b.l, b.c].every((p) => DECIMAL.test(p))) throw new Error(`fake bar ${ticker} ${b.date}: prices must be decimal strings`);
    }
    this.series.set(ticker, [...bars]);
  }

  /** The next requests answer with these, in order, instead of bars. */
  fail(...faults: BarsFault[]): void {
    this.faults.push(...faults);
  }

  handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const query = Object.fromEntries(url.searchParams);
    const keyId = header(req, "apca-api-key-id");
    this.requests.push({ query, keyId });
    const fault = this.faults.shift();
    if (fault?.hang) return;
    if (fault) return send(res, fault.status, fault.body ?? JSON.stringify({ message: messageFor(fault.status) }));
    const secret = header(req, "apca-api-secret-key");
    if (!keyId || this.keys()[keyId] === undefined || this.keys()[keyId] !== secret) return send(res, 401, JSON.stringify({ message: "unauthorized" }));
    const invalid = validate(query);
    if (invalid) return send(res, 422, JSON.stringify({ message: invalid }));
    const start = parseTime(query.start!);
    const end = parseTime(query.end!);
    const rows = (query.symbols ?? "")
      .split(",")
      .sort()
      .flatMap((symbol) =>
        (this.series.get(symbol) ?? [])
          .map((bar) => ({ symbol, bar, t: DateTime.fromISO(bar.date, { zone: "America/New_York" }).toUTC() }))
          .filter(({ t }) => t.toMillis() >= start && t.toMillis() <= end)
          .sort((a, b) => a.t.toMillis() - b.t.toMillis()),
      );
    const offset = query.page_token ? Number(Buffer.from(query.page_token, "base64").toString("utf8")) : 0;
    const size = Math.min(Number(query.limit ?? 1000), this.pageSize);
    const page = rows.slice(offset, offset + size);
    const grouped = new Map<string, string[]>();
    for (const { symbol, bar, t } of page) {
      const json = `{"t":"${t.toISO({ suppressMilliseconds: true })}","o":${bar.o},"h":${bar.h},"l":${bar.l},"c":${bar.c},"v":${bar.v},"n":1,"vw":${bar.c}}`;
      grouped.set(symbol, [...(grouped.get(symbol) ?? []), json]);
    }
    const next = offset + size < rows.length ? JSON.stringify(Buffer.from(String(offset + size)).toString("base64")) : "null";
    const bars = [...grouped].map(([symbol, list]) => `${JSON.stringify(symbol)}:[${list.join(",")}]`).join(",");
    send(res, 200, `{"bars":{${bars}},"next_page_token":${next}}`);
  }
}

function validate(q: Record<string, string>): string | undefined {
  if (!q.symbols) return "symbols is required";
  if (q.timeframe !== "1Day") return "this fake serves timeframe=1Day only";
  if (q.start === undefined || Number.isNaN(parseTime(q.start))) return "invalid start";
  if (q.end === undefined || Number.isNaN(parseTime(q.end))) return "invalid end";
  const limit = Number(q.limit ?? 1000);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return "invalid limit";
  if (q.adjustment !== undefined && !ADJUSTMENTS.has(q.adjustment)) return "invalid adjustment";
  if (q.feed !== undefined && !FEEDS.has(q.feed)) return "invalid feed";
  return undefined;
}

/** RFC-3339 or YYYY-MM-DD, as the API accepts them. */
function parseTime(value: string): number {
  const t = DateTime.fromISO(value, { zone: "UTC", setZone: true });
  return t.isValid ? t.toMillis() : Number.NaN;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function messageFor(status: number): string {
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 429) return "too many requests";
  if (status === 422) return "invalid query parameter";
  return "internal server error";
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
  res.end(body);
}
