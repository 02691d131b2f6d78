import { Dec } from "../../../domain/decimal.js";
import { cleanText, cutText } from "../../../domain/text.js";
import { TICKER_PATTERN } from "../../../domain/vocabulary.js";

/**
 * What Alpaca's market-data stream says, read from one text frame. Every frame is a JSON array
 * of objects, each with a type in "T" (Alpaca, "Real-time Stock Data" / "WebSocket Stream").
 * Control messages ("success", "subscription", "error") arrive one per frame; data points may
 * come several to a frame.
 */
export type StreamEvent =
  | { kind: "trade"; ticker: string; price: Dec; size: bigint; time: Date }
  | { kind: "connected" }
  | { kind: "authenticated" }
  | { kind: "subscription"; trades: string[] }
  | { kind: "error"; code: number; message: string }
  /** A data point we do not turn into ticks (quotes, bars, corrections "c", cancels "x", ...). */
  | { kind: "ignored"; type: string };

export interface ParsedFrame {
  events: StreamEvent[];
  /** Objects (or whole frames) that broke the protocol: bad JSON, missing or invalid fields. */
  malformed: number;
}

/** Longest provider text we carry into a reason or a log line. */
const TEXT_LIMIT = 200;

/** Reads one frame; never throws. A bad object is counted and skipped, its neighbours still count. */
export function parseFrame(raw: string): ParsedFrame {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { events: [], malformed: 1 };
  }
  if (!Array.isArray(body)) return { events: [], malformed: 1 };
  const events: StreamEvent[] = [];
  let malformed = 0;
  for (const item of body) {
    const event = parseMessage(item);
    if (event) events.push(event);
    else malformed++;
  }
  return { events, malformed };
}

function parseMessage(item: unknown): StreamEvent | undefined {
  if (!isRecord(item) || typeof item.T !== "string") return undefined;
  switch (item.T) {
    case "t":
      return parseTrade(item);
    case "success":
      if (item.msg === "connected") return { kind: "connected" };
      if (item.msg === "authenticated") return { kind: "authenticated" };
      return undefined;
    case "subscription":
      // The answer to every subscribe/unsubscribe lists the whole current subscription.
      if (item.trades === undefined) return { kind: "subscription", trades: [] };
      if (!Array.isArray(item.trades) || !item.trades.every((t) => typeof t === "string")) return undefined;
      return { kind: "subscription", trades: item.trades };
    case "error":
      if (typeof item.code !== "number" || !Number.isInteger(item.code)) return undefined;
      return { kind: "error", code: item.code, message: providerText(item.msg) };
    default:
      // Corrections ("c") and cancel errors ("x") come with a trades subscription. They restate a
      // print made earlier; the desk acts on the newest price and never rewinds a decision, so
      // they are not ticks. Quotes, bars, statuses and anything newer are not asked for.
      return { kind: "ignored", type: cutText(cleanText(item.T), 8) };
  }
}

/**
 * A trade ("T":"t"): symbol S, price p (a JSON number), size s, time t (RFC-3339, nanoseconds).
 * Trade conditions ("c") are not filtered: on the IEX feed most prints are odd lots and every
 * print is an execution on IEX itself; see the adapter's notes for SIP.
 */
function parseTrade(item: Record<string, unknown>): StreamEvent | undefined {
  if (typeof item.S !== "string" || !TICKER_PATTERN.test(item.S)) return undefined;
  const price = positiveDecimal(item.p);
  if (!price) return undefined;
  // The Tick port reads a missing size as 0; a size that is there must be a whole number.
  const size = item.s === undefined ? 0n : wholeNumber(item.s);
  if (size === undefined) return undefined;
  const time = typeof item.t === "string" ? parseRfc3339(item.t) : undefined;
  if (!time) return undefined;
  return { kind: "trade", ticker: item.S, price, size, time };
}

/** A price as Alpaca sends it (a JSON number), or a decimal string; undefined unless finite and > 0. */
export function positiveDecimal(value: unknown): Dec | undefined {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value <= 0) return undefined;
    text = String(value);
  } else if (typeof value === "string" && /^\d+(\.\d+)?$/.test(value)) {
    text = value;
  } else {
    return undefined;
  }
  const dec = new Dec(text);
  return dec.isFinite() && dec.gt(0) ? dec : undefined;
}

/** A whole, non-negative JSON number that survived JSON.parse exactly. */
export function wholeNumber(value: unknown): bigint | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * An RFC-3339 time with up to nanoseconds, kept to the millisecond (truncated: a trade never
 * moves later than it happened). Rejects impossible dates that Date.parse would roll over.
 */
export function parseRfc3339(text: string): Date | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction = "", zone = "Z"] = m;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s);
  // Before 1970 is no trade of ours (and Date.UTC reads years below 100 as 19xx).
  if (year < 1970 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  let offsetMinutes = 0;
  if (zone !== "Z" && zone !== "z") {
    const oh = Number(zone.slice(1, 3)), om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone.startsWith("-") ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Number(fraction.padEnd(3, "0").slice(0, 3));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  const time = new Date(utc);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

/** Provider text made safe for a reason or a log line. */
export function providerText(value: unknown): string {
  return typeof value === "string" ? cleanText(value, { maxChars: TEXT_LIMIT }) : "";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The messages the client sends. Keys and secrets never leave this function except on the socket. */
export function authMessage(keyId: string, secretKey: string): string {
  return JSON.stringify({ action: "auth", key: keyId, secret: secretKey });
}

export function subscriptionMessage(action: "subscribe" | "unsubscribe", tickers: readonly string[]): string {
  return JSON.stringify({ action, trades: tickers });
}
