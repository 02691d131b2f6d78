import type { Context, MiddlewareFn } from "grammy";
import type { UpdateDeduper } from "../context.js";

/**
 * Telegram delivers at least once (a crash before the offset is confirmed, a webhook retry):
 * every update id is claimed once, before anything runs, so a repeated /execute or a repeated
 * press is dropped instead of acting twice. Claiming all updates rather than only the
 * state-changing ones costs one Redis round trip and keeps the rule simple.
 */
export function dedupeUpdates(deduper: UpdateDeduper): MiddlewareFn<Context> {
  return async (ctx, next) => {
    if (!(await deduper.firstSeen(ctx.update.update_id))) return;
    await next();
  };
}
