import type { Api, Context } from "grammy";
import { splitMessage } from "./render/html.js";

const NO_PREVIEW = { link_preview_options: { is_disabled: true } };

/** Sends HTML to a chat, split at Telegram's 4,096-character limit, part after part. */
export async function sendHtml(api: Api, chatId: number, html: string, other: { link_preview_options?: { is_disabled: boolean } } = NO_PREVIEW): Promise<void> {
  for (const part of splitMessage(html)) await api.sendMessage(chatId, part, { parse_mode: "HTML", ...other });
}

/** Replies with HTML in the update's chat, split at Telegram's limit. */
export function replyHtml(ctx: Context, html: string): Promise<void> {
  return sendHtml(ctx.api, ctx.chat!.id, html);
}
