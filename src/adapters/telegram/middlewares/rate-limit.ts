import type { Context, MiddlewareFn } from "grammy";
import { LRUCache } from "lru-cache";

/**
 * Per-user rate limits, in this process's memory on purpose: they must keep working while Redis
 * is down, and a flood is a per-connection problem anyway. Each user has a token bucket
 * (`perMinute` updates a minute, refilled continuously); an update over the limit is dropped,
 * with one "slow down" note per minute so the sender knows why. /halt always passes: stopping
 * is never rate-limited (its alerts are coalesced elsewhere: a halt that changes nothing alerts
 * nobody). Strangers' "Access denied" notes are spaced by `noticeEvery` (see authorize).
 */

export interface RateLimitOptions {
  /** Updates a user may send per minute. Default 20. */
  perMinute?: number;
  /** Milliseconds since the epoch; injected so the limits are tested without waiting. */
  now?: () => number;
  /** Most users remembered at once (least recently seen forgotten first). Default 10,000. */
  maxUsers?: number;
}

interface Bucket {
  tokens: number;
  at: number;
  /** When the user was last told to slow down. */
  warnedAt: number | undefined;
}

const MINUTE = 60_000;

export class UserRateLimiter {
  private readonly perMinute: number;
  private readonly now: () => number;
  private readonly buckets: LRUCache<number, Bucket>;

  constructor(options: RateLimitOptions = {}) {
    this.perMinute = options.perMinute ?? 20;
    this.now = options.now ?? Date.now;
    this.buckets = new LRUCache({ max: options.maxUsers ?? 10_000 });
  }

  /** Takes one token from the user's bucket; "limited" when there is none, "warn" the first time in a minute. */
  take(userId: number): "allowed" | "warn" | "limited" {
    const now = this.now();
    const bucket = this.buckets.get(userId) ?? { tokens: this.perMinute, at: now, warnedAt: undefined };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) * this.perMinute) / MINUTE);
    bucket.at = now;
    this.buckets.set(userId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return "allowed";
    }
    if (bucket.warnedAt === undefined || now - bucket.warnedAt >= MINUTE) {
      bucket.warnedAt = now;
      return "warn";
    }
    return "limited";
  }
}

/** Remembers when each user was last sent a note (e.g. "Access denied"), to send it at most once per `everyMs`. */
export class NoticeSpacer {
  private readonly sent: LRUCache<number, number>;

  constructor(
    private readonly everyMs: number,
    private readonly now: () => number = Date.now,
    maxUsers = 10_000,
  ) {
    this.sent = new LRUCache({ max: maxUsers });
  }

  /** true when a note may be sent to `userId` now (and records it). */
  due(userId: number): boolean {
    const now = this.now();
    const last = this.sent.get(userId);
    if (last !== undefined && now - last < this.everyMs) return false;
    this.sent.set(userId, now);
    return true;
  }
}

/** The command an update's message starts with ("halt" for "/halt@war_room_bot now"), lower-cased. */
export function commandOf(ctx: Context): string | undefined {
  const text = ctx.message?.text ?? ctx.editedMessage?.text;
  const match = text ? /^\/([A-Za-z0-9_]+)(?:@\w+)?(?:\s|$)/.exec(text) : null;
  return match?.[1]?.toLowerCase();
}

export function rateLimit(limiter: UserRateLimiter): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const userId = ctx.from?.id;
    if (userId === undefined || commandOf(ctx) === "halt") return next();
    const verdict = limiter.take(userId);
    if (verdict === "allowed") return next();
    if (verdict === "limited") return;
    const text = "Slow down: too many messages in a minute, the rest are ignored for now. /halt always works.";
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: false });
    else if (ctx.chat?.type === "private") await ctx.reply(text);
  };
}
