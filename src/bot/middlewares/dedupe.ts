import type { Context, MiddlewareFn } from "grammy";
import type { OnceLedger } from "../../app/ports/once-ledger.js";
import type { UpdateDeduper } from "../context.js";

/** Update ids claimed in a shared ledger (Redis: every bot process of one bot sees the same claims). */
export function updateDeduper(ledger: OnceLedger): UpdateDeduper {
  return { firstSeen: (updateId) => ledger.first(`update:${updateId}`) };
}

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
