import { DateTime } from "luxon";
import type { Dec } from "../../../domain/decimal.js";
import { parseNumber } from "../../broker/kis/prices.js";
import { wholeShares } from "./quote.js";

/**
 * One HDFSCNT0 record, in order (legacy/websocket/python/ws_overseas_stock.py and
 * legacy/Sample01/kis_ovrseastk_ws.py in koreainvestment/open-trading-api). The newer generated
 * samples list the same columns without RSYM (pandas then takes the first field as the index),
 * so a frame whose size fits 25 columns a record is read without it.
 */
export const HDFSCNT0_COLUMNS = [
  "RSYM", "SYMB", "ZDIV", "TYMD", "XYMD", "XHMS", "KYMD", "KHMS", "OPEN", "HIGH", "LOW", "LAST", "SIGN",
  "DIFF", "RATE", "PBID", "PASK", "VBID", "VASK", "EVOL", "TVOL", "TAMT", "BIVL", "ASVL", "STRN", "MTYP",
] as const;
export type Hdfscnt0Column = (typeof HDFSCNT0_COLUMNS)[number];

/** What arrived on the socket. */
export type KisFrame =
  | { kind: "data"; trId: string; records: Partial<Record<Hdfscnt0Column, string>>[] }
  | { kind: "encrypted"; trId: string }
  | { kind: "pingpong" }
  | { kind: "ack"; trId: string; trKey: string; ok: boolean; msgCd: string; msg: string }
  | { kind: "malformed"; why: string };

/** Splits a frame: `0|tr_id|count|f1^f2^...` (1 = encrypted), or a JSON control message. */
export function parseFrame(text: string): KisFrame {
  if (text.startsWith("0|") || text.startsWith("1|")) {
    const [flag, trId = "", countText = "", ...rest] = text.split("|");
    if (flag === "1") return { kind: "encrypted", trId };
    const count = /^\d{1,4}$/.test(countText) ? Number(countText) : NaN;
    if (!(count > 0) || rest.length === 0) return { kind: "malformed", why: `bad record count "${countText.slice(0, 8)}"` };
    const fields = rest.join("|").split("^");
    const width = fields.length === count * HDFSCNT0_COLUMNS.length ? HDFSCNT0_COLUMNS.length : fields.length === count * (HDFSCNT0_COLUMNS.length - 1) ? HDFSCNT0_COLUMNS.length - 1 : 0;
    if (width === 0) return { kind: "malformed", why: `${fields.length} fields for ${count} record(s)` };
    const columns = width === HDFSCNT0_COLUMNS.length ? HDFSCNT0_COLUMNS : HDFSCNT0_COLUMNS.slice(1);
    const records = Array.from({ length: count }, (_, i) => Object.fromEntries(columns.map((c, j) => [c, fields[i * width + j] ?? ""])));
    return { kind: "data", trId, records };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: "malformed", why: "neither a data frame nor JSON" };
  }
  const header = (json as { header?: Record<string, unknown> } | null)?.header;
  const body = (json as { body?: Record<string, unknown> } | null)?.body;
  if (!header || typeof header.tr_id !== "string") return { kind: "malformed", why: "JSON without header.tr_id" };
  if (header.tr_id === "PINGPONG") return { kind: "pingpong" };
  if (!body || typeof body.rt_cd !== "string") return { kind: "malformed", why: "control message without body.rt_cd" };
  return {
    kind: "ack",
    trId: header.tr_id,
    trKey: typeof header.tr_key === "string" ? header.tr_key : "",
    ok: body.rt_cd.trim() === "0",
    msgCd: typeof body.msg_cd === "string" ? body.msg_cd.trim() : "",
    msg: typeof body.msg1 === "string" ? body.msg1.trim() : "",
  };
}

export interface Trade {
  /** The real-time key the record is for (RSYM, e.g. DNASAAPL), "" when the frame had no RSYM. */
  key: string;
  symbol: string;
  price: Dec;
  size: bigint;
  time: Date;
  /** The Korean clock (KYMD, KHMS) disagrees with the exchange's by more than a second. */
  clocksDisagree: boolean;
}

/** A record as a trade, or the reason it cannot be one. Time: the exchange's clock, else Korea's. */
export function tradeOf(record: Partial<Record<Hdfscnt0Column, string>>, exchangeZone = "America/New_York"): Trade | { invalid: string } {
  const price = parseNumber(record.LAST);
  if (!price || !price.gt(0)) return { invalid: "no positive LAST" };
  const local = instant(record.XYMD, record.XHMS, exchangeZone);
  const korean = instant(record.KYMD, record.KHMS, "Asia/Seoul");
  const time = local ?? korean;
  if (!time) return { invalid: "no valid XYMD/XHMS or KYMD/KHMS" };
  return {
    key: (record.RSYM ?? "").trim(),
    symbol: (record.SYMB ?? "").trim(),
    price,
    size: wholeShares(record.EVOL) ?? 0n,
    time,
    clocksDisagree: !!local && !!korean && Math.abs(local.getTime() - korean.getTime()) > 1000,
  };
}

function instant(ymd: string | undefined, hms: string | undefined, zone: string): Date | undefined {
  const d = (ymd ?? "").trim();
  const t = (hms ?? "").trim();
  if (!/^\d{8}$/.test(d) || !/^\d{6}$/.test(t)) return undefined;
  const dt = DateTime.fromObject({ year: +d.slice(0, 4), month: +d.slice(4, 6), day: +d.slice(6, 8), hour: +t.slice(0, 2), minute: +t.slice(2, 4), second: +t.slice(4, 6) }, { zone });
  return dt.isValid ? dt.toJSDate() : undefined;
}
