import { blankRow, DAILY_FIELDS, QUOTE_FIELDS } from "./contract.js";

type Json = Record<string, unknown>;
type Send = (status: number, json: Json, headers?: Record<string, string>) => void;
type Fail = (msg_cd: string, msg1: string, status?: number) => void;

export interface FakeDay {
  /** YYYYMMDD, exchange-local. */
  date: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/**
 * The fake's market: price quotations (HHDFS00000300, no time in them, as at KIS) and daily bars
 * (HHDFS76240000: newest first, at most `dailyPageSize` rows on or before BYMD).
 */
export class FakeQuotations {
  private readonly quotes = new Map<string, Json>();
  private readonly daily = new Map<string, FakeDay[]>();
  dailyPageSize = 100;

  setQuote(excd: string, symb: string, output: Json): void {
    this.quotes.set(`${excd}:${symb}`, output);
  }

  /** Days of one symbol on one quote exchange (any order). */
  setDaily(excd: string, symb: string, days: FakeDay[]): void {
    this.daily.set(`${excd}:${symb}`, [...days].sort((a, b) => b.date.localeCompare(a.date)));
  }

  quote(body: Json, send: Send, fail: Fail): void {
    if (!("AUTH" in body) || !body.EXCD || !body.SYMB) return fail("OPSQ0001", "AUTH, EXCD, SYMB required");
    const q = this.quotes.get(`${text(body.EXCD)}:${text(body.SYMB)}`);
    send(200, { rt_cd: "0", msg_cd: "MCA00000", msg1: "정상처리 되었습니다.", output: { ...blankRow(QUOTE_FIELDS), ...(q ?? {}) } });
  }

  dailyPrice(body: Json, send: Send, fail: Fail): void {
    for (const k of ["AUTH", "EXCD", "SYMB", "GUBN", "BYMD", "MODP"]) if (!(k in body)) return fail("OPSQ0001", `missing ${k}`);
    if (body.GUBN !== "0" && body.GUBN !== "1" && body.GUBN !== "2") return fail("OPSQ0002", "GUBN must be 0, 1 or 2");
    if (body.MODP !== "0" && body.MODP !== "1") return fail("OPSQ0002", "MODP must be 0 or 1");
    const bymd = text(body.BYMD);
    if (bymd !== "" && !/^\d{8}$/.test(bymd)) return fail("OPSQ0002", "BYMD must be YYYYMMDD or blank");
    const all = this.daily.get(`${text(body.EXCD)}:${text(body.SYMB)}`) ?? [];
    const from = all.filter((d) => bymd === "" || d.date <= bymd);
    const page = from.slice(0, this.dailyPageSize);
    const rows = page.map((d) => ({ ...blankRow(DAILY_FIELDS), xymd: d.date, clos: d.close, open: d.open, high: d.high, low: d.low, tvol: d.volume, sign: "3", diff: "0.0000", rate: "0.00" }));
    const output1 = { rsym: all.length ? `D${text(body.EXCD)}${text(body.SYMB)}` : "", zdiv: "4", nrec: String(rows.length) };
    send(200, { rt_cd: "0", msg_cd: "MCA00000", msg1: "정상처리 되었습니다.", output1, output2: rows }, { tr_cont: from.length > page.length ? "M" : "D" });
  }
}

function text(v: unknown): string {
  return typeof v === "string" ? v : "";
}
