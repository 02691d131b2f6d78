import { Composer } from "grammy";
import type { BotContext } from "../context.js";

/** The last feature: what no other feature took gets a short answer rather than silence. */
export function fallbackFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("cancel", (ctx) => ctx.reply("Nothing to cancel."));
  // Stale, forged or malformed button data: a clear answer, nothing decided, nothing logged as an error.
  composer.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: "This button is not valid any more.", show_alert: true }));
  composer.on("message:text", async (ctx) => {
    const text = ctx.message.text;
    if (text.startsWith("/")) await ctx.reply("Unknown command. /help lists what you can do.");
    else await ctx.reply("I only understand commands. /help lists them.");
  });
  return composer;
}
