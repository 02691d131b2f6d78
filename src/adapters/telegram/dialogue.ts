import type { Conversation } from "@grammyjs/conversations";
import type { Context } from "grammy";
import type { BotContext } from "./context.js";

/**
 * Waiting inside a dialogue. Dialogues are entered with `parallel: true`, so an update a wait
 * does not take (another command, a press on a proposal) goes on to the rest of the bot
 * instead of being swallowed: a trader in the middle of /resume can still approve an order.
 */

export type Dialogue = Conversation<BotContext, Context>;

const isCancel = (c: Context): boolean => /^\/cancel(@\w+)?$/i.test(c.message?.text?.trim() ?? "") || c.callbackQuery?.data === "dlg:cancel";

/** The user's press on a button whose data starts with `prefix`; null when they cancel. */
export async function waitChoice(conversation: Dialogue, userId: number, prefix: string): Promise<{ ctx: Context; choice: string } | null> {
  const next = await conversation.waitFrom(userId).and((c) => c.callbackQuery?.data?.startsWith(prefix) === true || isCancel(c));
  if (next.callbackQuery) {
    await next.answerCallbackQuery();
    // The choice is made: its buttons go, so an old keyboard cannot be pressed into a later dialogue.
    await next.editMessageReplyMarkup().catch(() => undefined);
  }
  if (isCancel(next)) return null;
  return { ctx: next, choice: next.callbackQuery!.data!.slice(prefix.length) };
}

/** The user's next plain text (not a command); null when they cancel. */
export async function waitText(conversation: Dialogue, userId: number): Promise<{ ctx: Context; text: string } | null> {
  const next = await conversation.waitFrom(userId).and((c) => {
    const text = c.message?.text;
    return text !== undefined && (!text.startsWith("/") || isCancel(c));
  });
  if (isCancel(next)) return null;
  return { ctx: next, text: next.message!.text! };
}

/**
 * Asks for the override code and deletes its message as soon as it is read. Always the last
 * step of a dialogue, so the code is never written into stored dialogue state. Null on cancel.
 */
export async function waitOverrideCode(conversation: Dialogue, ctx: Context, userId: number): Promise<string | null> {
  await ctx.reply("Send the override code. Its message is deleted as soon as it is read. (/cancel to stop)");
  const code = await waitText(conversation, userId);
  if (!code) return null;
  await code.ctx.deleteMessage().catch(() => undefined);
  return code.text.trim();
}
