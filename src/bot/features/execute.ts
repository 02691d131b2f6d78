import { createConversation } from "@grammyjs/conversations";
import { Composer, InlineKeyboard, type Context } from "grammy";
import { actorId, actorOf, type BotContext, type BotDeps } from "../context.js";
import { waitChoice, waitText, type Dialogue } from "../dialogue.js";
import { requireRole } from "../middlewares/authorize.js";
import { placeOperatorOrder } from "../order-requests.js";
import { parseExecuteArgs, words } from "../parse.js";
import { esc } from "../render/html.js";

/**
 * /execute BUY NKE 10 [limit] [stop]: validated, checked before trade, then proposed to the
 * traders with Approve / Deny (or executed when the policy asks no approval). With no
 * arguments a short dialogue asks for side, ticker and quantity.
 */
export function executeFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.use(createConversation(executeDialogue(deps), { id: "execute", parallel: true, maxMillisecondsToWait: 5 * 60_000 }));
  composer.command("execute", requireRole("trader", "/execute"), async (ctx) => {
    if (ctx.match.trim() === "") {
      await ctx.conversation.exit("execute");
      await ctx.conversation.enter("execute");
      return;
    }
    const parsed = parseExecuteArgs(ctx.match);
    if (!parsed.ok) {
      await ctx.reply(`❌ ${esc(parsed.error)}`, { parse_mode: "HTML" });
      return;
    }
    const { reply } = await placeOperatorOrder(deps, { ...parsed.args, actor: actorOf(ctx), idempotencyKey: `tg-${ctx.chat.id}-${ctx.msg.message_id}` });
    if (reply) await ctx.reply(reply, { parse_mode: "HTML" });
  });
  return composer;
}

const CANCELLED = "Cancelled: nothing was ordered.";

function executeDialogue(deps: BotDeps) {
  return async (conversation: Dialogue, ctx: Context) => {
    const userId = ctx.from!.id;
    const chatId = ctx.chat!.id;
    await ctx.reply("New order. Buy or sell? (/cancel to stop)", {
      reply_markup: new InlineKeyboard().text("BUY", "ex:BUY").text("SELL", "ex:SELL").text("Cancel", "dlg:cancel"),
    });
    const side = await waitChoice(conversation, userId, "ex:");
    if (!side) return void (await ctx.reply(CANCELLED));
    await ctx.reply(`${side.choice}: which ticker? (e.g. NKE)`);
    const ticker = await waitText(conversation, userId);
    if (!ticker) return void (await ctx.reply(CANCELLED));
    const symbol = words(ticker.text)[0] ?? "";
    await ctx.reply(`${side.choice} ${symbol.toUpperCase()}: how many shares?`);
    const quantity = await waitText(conversation, userId);
    if (!quantity) return void (await ctx.reply(CANCELLED));
    // The key comes from the message that completed the order, so a replay makes the same key.
    const key = `tg-${chatId}-${quantity.ctx.message!.message_id}`;
    // Only the reply text is kept in the dialogue's stored state: a replay after a restart reads it back instead of ordering again.
    const reply = await conversation.external(
      async () =>
        (await placeOperatorOrder(deps, { side: side.choice, ticker: symbol, quantity: words(quantity.text)[0] ?? "", limitPrice: null, stopPrice: null, actor: actorId(userId), idempotencyKey: key })).reply,
    );
    if (reply) await ctx.reply(reply, { parse_mode: "HTML" });
  };
}
