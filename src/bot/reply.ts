import type { Context } from "grammy";
import { splitMessage } from "./render/html.js";

/** Replies with HTML, split at Telegram's 4,096-character limit. */
export async function replyHtml(ctx: Context, html: string): Promise<void> {
  for (const part of splitMessage(html)) await ctx.reply(part, { parse_mode: "HTML", link_preview_options: { is_disabled: true } });
}
