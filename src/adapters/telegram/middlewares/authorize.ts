import type { Context, MiddlewareFn, NextFunction } from "grammy";
import type { OperatorDirectory } from "../../../app/ports/operator-directory.js";
import { hasRole } from "../../../domain/roles.js";
import type { Role } from "../../../domain/vocabulary.js";
import type { Logger } from "../../../logger.js";
import type { BotContext, OperatorFlavor } from "../context.js";
import { NoticeSpacer } from "./rate-limit.js";

const STRANGER_NOTICE_EVERY_MS = 60 * 60_000;

export interface AuthorizeOptions {
  /** When a stranger may be told again that they are not an operator; default once per hour per user id. */
  notices?: NoticeSpacer;
  log?: Pick<Logger, "debug">;
}

/**
 * Denied by default: an update from anyone who is not an active operator stops here, for
 * messages and button presses alike, keyed on the sender's user id (never the chat: anyone
 * can be in a group). Updates without a sender (channel posts) are ignored. A stranger is told
 * at most once an hour, then ignored: every reply spends the send budget that halt alerts need.
 */
export function authorize(operators: OperatorDirectory, options: AuthorizeOptions = {}): MiddlewareFn<Context & Partial<OperatorFlavor>> {
  const notices = options.notices ?? new NoticeSpacer(STRANGER_NOTICE_EVERY_MS);
  return async (ctx, next) => {
    const userId = ctx.from?.id;
    if (userId === undefined || ctx.from?.is_bot) return;
    const operator = await operators.find(userId);
    if (!operator) {
      const answerable = ctx.callbackQuery !== undefined || (ctx.message !== undefined && ctx.chat?.type === "private");
      if (!answerable) return;
      if (!notices.due(userId)) {
        options.log?.debug({ userId }, "update from a stranger ignored (already told within the hour)");
        return;
      }
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: "Not authorised: you are not an operator of this desk.", show_alert: true });
      else await ctx.reply(`Access denied: this desk only answers its operators. Your Telegram user id is ${userId}; an admin can add it.`);
      return;
    }
    ctx.operator = operator;
    await next();
  };
}

const ROLE_NAMES: Record<Role, string> = { viewer: "a viewer", trader: "a trader", admin: "an admin" };

/** A command that needs at least `role`: anyone below gets a clear refusal and nothing happens. */
export function requireRole(role: Role, what: string): MiddlewareFn<BotContext> {
  return async (ctx: BotContext, next: NextFunction) => {
    if (hasRole(ctx.operator.role, role)) return next();
    const text = `${what} needs the ${role} role; you are ${ROLE_NAMES[ctx.operator.role]}.`;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true });
    else await ctx.reply(text);
  };
}
