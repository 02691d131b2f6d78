import type { Context, MiddlewareFn, NextFunction } from "grammy";
import type { OperatorDirectory } from "../../app/ports/operator-directory.js";
import { hasRole } from "../../domain/roles.js";
import type { Role } from "../../domain/vocabulary.js";
import type { BotContext, OperatorFlavor } from "../context.js";

/**
 * Denied by default: an update from anyone who is not an active operator stops here, for
 * messages and button presses alike, keyed on the sender's user id (never the chat: anyone
 * can be in a group). Updates without a sender (channel posts) are ignored.
 */
export function authorize(operators: OperatorDirectory): MiddlewareFn<Context & Partial<OperatorFlavor>> {
  return async (ctx, next) => {
    const userId = ctx.from?.id;
    if (userId === undefined || ctx.from?.is_bot) return;
    const operator = await operators.find(userId);
    if (!operator) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: "Not authorised: you are not an operator of this desk.", show_alert: true });
      else if (ctx.message && ctx.chat?.type === "private") {
        await ctx.reply(`Access denied: this desk only answers its operators. Your Telegram user id is ${userId}; an admin can add it.`);
      }
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
