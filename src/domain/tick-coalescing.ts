import type { Dec } from "./decimal.js";
import type { PriceBar } from "./prices.js";

/**
 * Ticks waiting to be stored, coalesced per ticker and exchange minute into one intraday bar:
 * open = first, high/low over the minute, close = newest, volume summed, time = the newest
 * trade's exchange time. A burst on one ticker therefore costs one row, never a queue that
 * starves the others, and the newest tick is never dropped.
 */
export interface PendingBar {
  ticker: string;
  minute: number;
  time: Date;
  open: Dec;
  high: Dec;
  low: Dec;
  close: Dec;
  volume: bigint;
  source: string;
  /** Ticks merged into this bar. */
  ticks: number;
  /** When the first of them was received (for tick-to-stored latency). */
  firstReceivedAt: number;
}

/** One trade as a provider reported it. */
export interface Tick {
  ticker: string;
  price: Dec;
  /** Shares in this trade (0 when the provider does not say). */
  size: bigint;
  /** The exchange's own time of the trade, never the time it was received. */
  time: Date;
  /** The provider, e.g. "alpaca:iex" or "kis:ws". */
  source: string;
}

const MINUTE = 60_000;

function minuteOf(time: Date): number {
  return Math.floor(time.getTime() / MINUTE) * MINUTE;
}

/**
 * Merges a tick into the pending bars of its ticker (a short list: one per minute the burst
 * spans). A tick older than the pending bar of its minute still counts for high, low and
 * volume but does not become the close.
 */
export function coalesce(pending: PendingBar[], tick: Tick, receivedAt: number): void {
  const minute = minuteOf(tick.time);
  const bar = pending.find((b) => b.minute === minute && b.source === tick.source);
  if (!bar) {
    pending.push({
      ticker: tick.ticker,
      minute,
      time: tick.time,
      open: tick.price,
      high: tick.price,
      low: tick.price,
      close: tick.price,
      volume: tick.size,
      source: tick.source,
      ticks: 1,
      firstReceivedAt: receivedAt,
    });
    return;
  }
  if (tick.price.gt(bar.high)) bar.high = tick.price;
  if (tick.price.lt(bar.low)) bar.low = tick.price;
  bar.volume += tick.size;
  bar.ticks += 1;
  if (tick.time.getTime() >= bar.time.getTime()) {
    bar.time = tick.time;
    bar.close = tick.price;
  }
}

/**
 * Puts back under `pending` a bar of the same ticker that could not be stored: it merges into
 * the pending bar of its minute and source (which is newer: its close and time stay), or joins
 * the list. Bars stay in minute order.
 */
export function requeueOlder(pending: PendingBar[], older: PendingBar): void {
  const bar = pending.find((b) => b.minute === older.minute && b.source === older.source);
  if (!bar) {
    pending.push(older);
    pending.sort((a, b) => a.minute - b.minute);
    return;
  }
  bar.open = older.open;
  if (older.high.gt(bar.high)) bar.high = older.high;
  if (older.low.lt(bar.low)) bar.low = older.low;
  bar.volume += older.volume;
  bar.ticks += older.ticks;
  bar.firstReceivedAt = Math.min(bar.firstReceivedAt, older.firstReceivedAt);
}

export function toPriceBar(bar: PendingBar): PriceBar {
  return { ticker: bar.ticker, time: bar.time, open: bar.open, high: bar.high, low: bar.low, close: bar.close, adjClose: null, volume: bar.volume, source: bar.source };
}

/** What the pipeline does with a tick's exchange time compared with its own clock. */
export type TickTiming = { kind: "ok"; time: Date } | { kind: "ahead"; time: Date; aheadMs: number } | { kind: "late"; newestMs: number };

/**
 * A tick stamped in the future (the provider's clock, or ours, is off) is stored at our clock's
 * time, never later: a future stamp would make a frozen price look fresh past the stale_data
 * limit. A tick older than the newest one already stored for its ticker is late: it is dropped
 * (the stored close must never go back in time).
 */
export function timeTick(time: Date, now: number, newestStoredMs: number | undefined, toleranceMs: number): TickTiming {
  const ms = time.getTime();
  if (newestStoredMs !== undefined && ms < newestStoredMs) return { kind: "late", newestMs: newestStoredMs };
  if (ms > now + toleranceMs) return { kind: "ahead", time: new Date(now), aheadMs: ms - now };
  return { kind: "ok", time };
}
