import type { Context, MiddlewareFn } from "grammy";
import type { OnceLedger } from "../../../app/ports/once-ledger.js";
import type { Logger } from "../../../logger.js";
import type { UpdateDeduper } from "../context.js";
import { commandOf } from "./rate-limit.js";

/** Update ids claimed in a shared ledger (Redis: every bot process of one bot sees the same claims). */
export function updateDeduper(ledger: OnceLedger): UpdateDeduper {
  return { firstSeen: (updateId) => ledger.first(`update:${updateId}`) };
}

/**
 * What still works when the ledger cannot be asked: /halt (halting twice is harmless) and the
 * commands that only read. Everything that changes state could run twice, so it is refused.
 */
const LEDGER_DOWN_COMMANDS: ReadonlySet<string> = new Set(["halt", "start", "help", "status", "monitor"]);

export const LEDGER_DOWN_REFUSAL =
  "⚠️ The desk cannot check for repeated messages right now (Redis unreachable), so nothing that could run twice is done. Only /halt and the read-only commands (/status, /monitor, /help) work; try again shortly.";

/** Set on an update that passed while the ledger was unreachable: it must not touch Redis again (dialogues). */
export interface LedgerFlavor {
  ledgerUnavailable?: boolean;
}

export interface DedupeOptions {
  log: Pick<Logger, "warn">;
  /** How long to wait for the ledger before treating it as unreachable (a Redis client may queue commands while reconnecting). */
  timeoutMs?: number;
}

/**
 * Telegram delivers at least once (a crash before the offset is confirmed, a webhook retry):
 * every update id is claimed once, before anything runs, so a repeated /execute or a repeated
 * press is dropped instead of acting twice. When the ledger cannot answer, /halt and read-only
 * commands go on (marked `ledgerUnavailable`), and everything else gets a clear refusal.
 */
export function dedupeUpdates(deduper: UpdateDeduper, options: DedupeOptions): MiddlewareFn<Context & LedgerFlavor> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  return async (ctx, next) => {
    let first: boolean;
    try {
      first = await withDeadline(deduper.firstSeen(ctx.update.update_id), timeoutMs);
    } catch (error) {
      options.log.warn({ err: error instanceof Error ? error.message : String(error), update: ctx.update.update_id }, "update ledger unreachable: only /halt and read-only commands are served");
      const command = commandOf(ctx);
      if (command !== undefined && LEDGER_DOWN_COMMANDS.has(command)) {
        ctx.ledgerUnavailable = true;
        return next();
      }
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: "Not done: the desk cannot check for repeated presses right now (Redis unreachable). /halt still works.", show_alert: true });
      else if (ctx.chat) await ctx.reply(LEDGER_DOWN_REFUSAL);
      return;
    }
    if (!first) return;
    await next();
  };
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
