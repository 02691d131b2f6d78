import { Composer } from "grammy";
import { actorOf, type BotContext, type BotDeps } from "../context.js";
import { requireRole } from "../middlewares/authorize.js";
import { tradingAccount } from "../../app/accounts/trading-account.js";
import { placeOperatorOrder } from "../order-requests.js";
import { CLOSE_USAGE, parseCloseArgs } from "../parse.js";
import { esc } from "../render/html.js";

/**
 * /close NKE [QTY]: a SELL of the held quantity (or part of it) down the same order path. It
 * only reduces risk, so it passes while trading is halted; with the approval policy on it is a
 * proposal like any other, and the press on Approve is the confirmation.
 */
export function closeFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("close", requireRole("trader", "/close"), async (ctx) => {
    const parsed = parseCloseArgs(ctx.match);
    if (!parsed.ok) return void (await ctx.reply(`❌ ${esc(parsed.error)}`, { parse_mode: "HTML" }));
    const account = await tradingAccount(deps.reader);
    const held = account ? (await deps.reader.positions(account.id)).find((p) => p.ticker === parsed.ticker) : undefined;
    if (!account || !held) return void (await ctx.reply(`❌ No open ${esc(parsed.ticker.slice(0, 24))} position to close.\nusage: ${esc(CLOSE_USAGE)}`, { parse_mode: "HTML" }));
    const quantity = parsed.quantity ?? String(held.quantity);
    if (/^\d+$/.test(quantity) && Number(quantity) > held.quantity) {
      return void (await ctx.reply(`❌ You hold ${held.quantity} ${esc(held.ticker)}; cannot close ${esc(quantity)}.`, { parse_mode: "HTML" }));
    }
    const { reply } = await placeOperatorOrder(deps, {
      side: "SELL",
      ticker: held.ticker,
      quantity,
      limitPrice: null,
      stopPrice: null,
      actor: actorOf(ctx),
      idempotencyKey: `tg-${ctx.chat.id}-${ctx.msg.message_id}`,
      rationale: `close ${quantity} of ${held.quantity} ${held.ticker}`,
    }, account);
    if (reply) await ctx.reply(reply, { parse_mode: "HTML" });
  });
  return composer;
}
