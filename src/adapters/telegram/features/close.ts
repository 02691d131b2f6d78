import { Composer } from "grammy";
import type { AccountSummary } from "../../../app/ports/desk-reader.js";
import { idempotencyKeyOf, onAccountChoice, takeAccountWord, withAccount, type CommandOrigin } from "../account-choice.js";
import { actorId, type BotContext, type BotDeps } from "../context.js";
import { requireRole } from "../middlewares/authorize.js";
import { placeOperatorOrder } from "../order-requests.js";
import { CLOSE_USAGE, parseCloseArgs } from "../parse.js";
import { accountTag } from "../render/account.js";
import { esc } from "../render/html.js";

/**
 * /close NKE [QTY] [@account]: a SELL of the held quantity (or part of it) down the same order
 * path. It only reduces risk, so it passes while trading is halted; with the approval policy on
 * it is a proposal like any other, and the press on Approve is the confirmation. The accounts
 * it could be meant for are those holding the ticker: with one, no question.
 */
export function closeFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.use(onAccountChoice(deps, { command: "close", role: "trader" }, (ctx, account, text, origin) => runClose(ctx, deps, account, text, origin)));
  composer.command("close", requireRole("trader", "/close"), async (ctx) => {
    const word = takeAccountWord(ctx.match);
    if (!word.ok) return void (await ctx.reply(`❌ ${esc(word.error)}`, { parse_mode: "HTML" }));
    const parsed = parseCloseArgs(word.rest);
    if (!parsed.ok) return void (await ctx.reply(`❌ ${esc(parsed.error)}`, { parse_mode: "HTML" }));
    await withAccount(
      ctx,
      deps,
      {
        command: "close",
        text: word.rest,
        explicit: word.explicit,
        eligible: async (a) => (await deps.reader.positions(a.id)).some((p) => p.ticker === parsed.ticker),
        none: noPosition(parsed.ticker),
      },
      (account, origin) => runClose(ctx, deps, account, word.rest, origin),
    );
  });
  return composer;
}

/** /close on one account, from the command or from the press that chose the account. */
async function runClose(ctx: BotContext, deps: BotDeps, account: AccountSummary, text: string, origin: CommandOrigin): Promise<void> {
  const parsed = parseCloseArgs(text);
  if (!parsed.ok) return void (await ctx.reply(`❌ ${esc(parsed.error)}`, { parse_mode: "HTML" }));
  // Read again here: on a press, minutes may have passed since the question.
  const held = (await deps.reader.positions(account.id)).find((p) => p.ticker === parsed.ticker);
  if (!held) return void (await ctx.reply(noPosition(parsed.ticker, account), { parse_mode: "HTML" }));
  const quantity = parsed.quantity ?? String(held.quantity);
  if (/^\d+$/.test(quantity) && Number(quantity) > held.quantity) {
    return void (await ctx.reply(`❌ ${accountTag(account)} holds ${held.quantity} ${esc(held.ticker)}; cannot close ${esc(quantity)}.`, { parse_mode: "HTML" }));
  }
  const { reply } = await placeOperatorOrder(
    deps,
    {
      side: "SELL",
      ticker: held.ticker,
      quantity,
      limitPrice: null,
      stopPrice: null,
      actor: actorId(origin.userId),
      idempotencyKey: idempotencyKeyOf(origin),
      rationale: `close ${quantity} of ${held.quantity} ${held.ticker}`,
    },
    account,
  );
  if (reply) await ctx.reply(reply, { parse_mode: "HTML" });
}

function noPosition(ticker: string, account?: AccountSummary): string {
  return `❌ No open ${esc(ticker.slice(0, 24))} position to close${account ? ` on ${accountTag(account)}` : ""}.\nusage: ${esc(CLOSE_USAGE)}`;
}
