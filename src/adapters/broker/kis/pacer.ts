import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../../../logger.js";

/**
 * Who is asking. "trading" (orders and account queries) always books the next free slot;
 * "market-data" (quotes, history) only takes a slot nobody has booked, so it never queues in
 * front of an order, and at most half the rate, so orders always find room.
 */
export type KisLane = "trading" | "market-data";

/** The budget a schedule belongs to: one app key on one host, shared by every process. */
export interface PaceKey {
  baseUrl: string;
  appKey: string;
}

export interface SlotBooking {
  /** False only for market-data: the schedule was booked ahead (or its half-rate cap was reached); nothing was booked. */
  booked: boolean;
  /** Booked: how long to wait before sending. Not booked: how long until a slot may be free. */
  waitMs: number;
}

/** Books request slots on the schedule of one (base URL, app key). */
export interface KisPacer {
  book(key: PaceKey, lane: KisLane, ratePerSecond: number): Promise<SlotBooking>;
}

/**
 * Books a slot and waits for it. A trading request always goes (after its wait); a market-data
 * request retries while the schedule is busy and gives up ("paced", false) when no slot came
 * free within `maxWaitMs`.
 */
export async function takeSlot(pacer: KisPacer, key: PaceKey, lane: KisLane, ratePerSecond: number, maxWaitMs: number): Promise<boolean> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const slot = await pacer.book(key, lane, ratePerSecond);
    if (slot.booked) {
      if (slot.waitMs > 0) await sleep(slot.waitMs);
      return true;
    }
    const wait = Math.max(1, slot.waitMs);
    if (Date.now() + wait > deadline) return false;
    await sleep(wait);
  }
}

/**
 * The schedule in this process's memory: a token bucket with a burst of one per (base URL, app
 * key). Other processes with the same key are not counted (EGW00201 backs off when they collide);
 * it is what KisHttp uses without a pacer, and what the Redis pacer falls back to.
 */
export class InProcessKisPacer implements KisPacer {
  private readonly next = new Map<string, number>();
  private readonly nextMarketData = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  book(key: PaceKey, lane: KisLane, ratePerSecond: number): Promise<SlotBooking> {
    const id = `${key.baseUrl}\u0000${key.appKey}`;
    const interval = 1000 / ratePerSecond;
    const now = this.now();
    const next = this.next.get(id) ?? 0;
    if (lane === "trading") {
      const slot = Math.max(now, next);
      this.next.set(id, slot + interval);
      return Promise.resolve({ booked: true, waitMs: slot - now });
    }
    const free = Math.max(next, this.nextMarketData.get(id) ?? 0);
    if (free > now) return Promise.resolve({ booked: false, waitMs: free - now });
    this.next.set(id, now + interval);
    this.nextMarketData.set(id, now + 2 * interval);
    return Promise.resolve({ booked: true, waitMs: 0 });
  }
}

/** The schedule every KisHttp of this process shares when it is given no pacer. */
export const processPacer = new InProcessKisPacer();

/**
 * KEYS[1]: the shared schedule (when the next slot is free, ms on Redis's clock).
 * KEYS[2]: when market data may book again (half the rate).
 * ARGV[1]: the interval between two requests (ms); ARGV[2]: the lane.
 * Returns {booked 0|1, wait ms as a string}. Redis's own clock (TIME) is the clock of every
 * process, so hosts with skewed clocks still share one schedule.
 */
const BOOK_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local keep = math.ceil(interval * 4) + 1000
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
if ARGV[2] == 'trading' then
  local slot = math.max(now, nxt)
  redis.call('SET', KEYS[1], string.format('%.3f', slot + interval), 'PX', math.ceil(slot + interval - now) + keep)
  return {1, string.format('%.3f', slot - now)}
end
local free = math.max(nxt, tonumber(redis.call('GET', KEYS[2]) or '0'))
if free > now then
  return {0, string.format('%.3f', free - now)}
end
redis.call('SET', KEYS[1], string.format('%.3f', now + interval), 'PX', keep)
redis.call('SET', KEYS[2], string.format('%.3f', now + 2 * interval), 'PX', keep)
return {1, '0'}
`;

export interface RedisKisPacerOptions {
  redis: Redis;
  /** Prefix of the Redis keys, e.g. "warroom:" (the keys are named from a hash, never the app key). */
  prefix?: string;
  /** A booking that takes longer than this goes to the fallback (default 250 ms): Redis never holds up an order. */
  timeoutMs?: number;
  /** After a Redis failure, how long bookings go straight to the fallback (default 5 s). */
  retryAfterMs?: number;
  /** Where bookings go while Redis is unavailable (default: this process's schedule). */
  fallback?: KisPacer;
  log?: Pick<Logger, "warn" | "info">;
}

/**
 * The schedule of one app key shared by every process (bot, worker) through Redis: a Lua script
 * books the next slot atomically. If Redis is down, slow or erroring, each process paces on its
 * own (the fallback) until Redis answers again; an order is never held up by Redis.
 */
export class RedisKisPacer implements KisPacer {
  private unavailableUntil = 0;
  private outage = false;

  constructor(private readonly o: RedisKisPacerOptions) {}

  async book(key: PaceKey, lane: KisLane, ratePerSecond: number): Promise<SlotBooking> {
    const fallback = this.o.fallback ?? processPacer;
    if (this.o.redis.status !== "ready" || Date.now() < this.unavailableUntil) return fallback.book(key, lane, ratePerSecond);
    const id = createHash("sha256").update(`${key.baseUrl}\u0000${key.appKey}`).digest("hex").slice(0, 32);
    const prefix = this.o.prefix ?? "";
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        this.o.redis.eval(BOOK_SCRIPT, 2, `${prefix}kis:pace:${id}`, `${prefix}kis:pace-md:${id}`, String(1000 / ratePerSecond), lane),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.o.timeoutMs ?? 250} ms`)), this.o.timeoutMs ?? 250);
        }),
      ]);
      const [booked, wait] = answer as [number, string];
      if (this.outage) this.o.log?.info("KIS pacing shared through Redis again");
      this.outage = false;
      return { booked: booked === 1, waitMs: Math.max(0, Number(wait)) };
    } catch (error) {
      this.unavailableUntil = Date.now() + (this.o.retryAfterMs ?? 5000);
      if (!this.outage) this.o.log?.warn({ err: error instanceof Error ? error.message : String(error) }, "KIS pacing cannot reach Redis: each process paces on its own until it can");
      this.outage = true;
      return fallback.book(key, lane, ratePerSecond);
    } finally {
      clearTimeout(timer);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
