import { createConversation } from "@grammyjs/conversations";
import { Composer, InlineKeyboard, type Context } from "grammy";
import type { AccountSummary } from "../../../app/ports/desk-reader.js";
import { idempotencyKeyOf, onAccountChoice, takeAccountWord, tradesInPhase, withAccount, type CommandOrigin } from "../account-choice.js";
import { actorId, type BotContext, type BotDeps } from "../context.js";
import { waitChoice, waitText, type Dialogue } from "../dialogue.js";
import { requireRole } from "../middlewares/authorize.js";
import { placeOperatorOrder } from "../order-requests.js";
import { parseExecuteArgs, words } from "../parse.js";
import { mirrorDecision } from "../../../app/orders/mirror-decision.js";
import { TICKER_PATTERN, type Side } from "../../../domain/vocabulary.js";
import { renderMirror } from "../render/warroom.js";
import { accountTag } from "../render/account.js";
import { esc } from "../render/html.js";

/**
 * /execute BUY NKE 10 [limit] [stop] [@account]: validated, checked before trade, then proposed
 * to the traders with Approve / Deny (or executed when the policy asks no approval). The account
 * is the one named, else the operator's default, else the only one trading; with several and
 * none chosen the bot asks first. With no arguments a short dialogue asks for side, ticker and
 * quantity (after the account, when that has to be asked).
 */
export function executeFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.use(createConversation(executeDialogue(deps), { id: "execute", parallel: true, maxMillisecondsToWait: 5 * 60_000 }));
  composer.use(onAccountChoice(deps, { command: "execute", role: "trader" }, (ctx, account, text, origin) => runExecute(ctx, deps, account, text, origin)));
  composer.command("execute", requireRole("trader", "/execute"), async (ctx) => {
    const word = takeAccountWord(ctx.match);
    if (!word.ok) return void (await ctx.reply(`❌ ${esc(word.error)}`, { parse_mode: "HTML" }));
    const mirror = takeMirrorFlag(word.rest);
    if (mirror.mirrored) {
      if (word.explicit) return void (await ctx.reply(`❌ --mirror sends the order to every account that trades; drop @${esc(word.explicit)}, or drop --mirror to order on that account only.`, { parse_mode: "HTML" }));
      return mirrorOrder(ctx, deps, mirror.rest, { chatId: ctx.chat.id, userId: ctx.from!.id, messageId: ctx.msg.message_id });
    }
    // A malformed order is answered before anyone is asked which account it is for.
    if (word.rest !== "") {
      const parsed = parseExecuteArgs(word.rest);
      if (!parsed.ok) return void (await ctx.reply(`❌ ${esc(parsed.error)}`, { parse_mode: "HTML" }));
    }
    await withAccount(ctx, deps, { command: "execute", text: word.rest, explicit: word.explicit, eligible: tradesInPhase }, (account, origin) =>
      runExecute(ctx, deps, account, word.rest, origin),
    );
  });
  return composer;
}

/**
 * /execute on one account, from the command or from the press that chose the account. The
 * idempotency key is the original command message's, so a replay orders nothing new.
 */
async function runExecute(ctx: BotContext, deps: BotDeps, account: AccountSummary, text: string, origin: CommandOrigin): Promise<void> {
  if (text === "") {
    await ctx.conversation.exit("execute");
    await ctx.conversation.enter("execute", { id: account.id, name: account.name, mode: account.mode });
    return;
  }
  const parsed = parseExecuteArgs(text);
  if (!parsed.ok) return void (await ctx.reply(`❌ ${esc(parsed.error)}`, { parse_mode: "HTML" }));
  const { reply } = await placeOperatorOrder(deps, { ...parsed.args, actor: actorId(origin.userId), idempotencyKey: idempotencyKeyOf(origin) }, account);
  if (reply) await ctx.reply(reply, { parse_mode: "HTML" });
}

const MIRROR_USAGE = "/execute BUY|SELL TICKER QTY [LIMIT|market] [STOP] --mirror";

/** `--mirror` anywhere in the arguments, taken out. */
function takeMirrorFlag(text: string): { mirrored: boolean; rest: string } {
  const all = words(text);
  const rest = all.filter((w) => w.toLowerCase() !== "--mirror");
  return { mirrored: rest.length !== all.length, rest: rest.join(" ") };
}

/**
 * /execute BUY NKE 10 --mirror: one decision sent to every account that trades, each sized by its
 * own phase limits and checked by its own pre-trade checks, each its own proposal to approve.
 */
async function mirrorOrder(ctx: BotContext, deps: BotDeps, text: string, origin: CommandOrigin): Promise<void> {
  const parsed = parseExecuteArgs(text);
  if (!parsed.ok) return void (await ctx.reply(`❌ ${esc(parsed.error)}`, { parse_mode: "HTML" }));
  const { side, ticker, quantity, limitPrice, stopPrice } = parsed.args;
  const upperSide = side.toUpperCase();
  const symbol = ticker.toUpperCase();
  const errors = [
    upperSide !== "BUY" && upperSide !== "SELL" && `side must be BUY or SELL, got ${side.slice(0, 12)}`,
    !TICKER_PATTERN.test(symbol) && `${ticker.slice(0, 12)} is not a ticker`,
    !/^[1-9]\d{0,8}$/.test(quantity) && `quantity must be a whole number of shares above 0, got ${quantity.slice(0, 12)}`,
  ].filter((e): e is string => typeof e === "string");
  if (errors.length > 0) return void (await ctx.reply(`❌ ${esc(errors.join("; "))}.\nusage: ${esc(MIRROR_USAGE)}`, { parse_mode: "HTML" }));
  if (!deps.warroom) return void (await ctx.reply("Mirroring is not available in this process: nothing was ordered."));
  const actor = actorId(origin.userId);
  const result = await mirrorDecision(deps.warroom, {
    source: "operator",
    ticker: symbol,
    side: upperSide as Side,
    quantity: Number(quantity),
    stopPrice,
    limitPrice,
    requestedBy: actor,
    rationale: `operator order mirrored by ${actor}`,
    idempotencyBase: idempotencyKeyOf(origin),
  });
  await deps.audit.record({ actor, action: "tg.order.mirrored", subject: symbol, details: { side: upperSide, quantity, mirror: result.mirrorId, legs: result.legs.map((l) => l.outcome) } });
  await ctx.reply([`${upperSide} ${esc(symbol)} ${esc(quantity)}, mirrored:`, ...renderMirror(result, Number(quantity))].join("\n"), { parse_mode: "HTML" });
}

const CANCELLED = "Cancelled: nothing was ordered.";

type DialogueAccount = Pick<AccountSummary, "id" | "name" | "mode">;

function executeDialogue(deps: BotDeps) {
  return async (conversation: Dialogue, ctx: Context, account: DialogueAccount) => {
    const userId = ctx.from!.id;
    const chatId = ctx.chat!.id;
    await ctx.reply(`New order on ${accountTag(account)}. Buy or sell? (/cancel to stop)`, {
      parse_mode: "HTML",
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
    const key = idempotencyKeyOf({ chatId, userId, messageId: quantity.ctx.message!.message_id });
    // Only the reply text is kept in the dialogue's stored state: a replay after a restart reads it back instead of ordering again.
    const reply = await conversation.external(
      async () =>
        (await placeOperatorOrder(deps, { side: side.choice, ticker: symbol, quantity: words(quantity.text)[0] ?? "", limitPrice: null, stopPrice: null, actor: actorId(userId), idempotencyKey: key }, account))
          .reply,
    );
    if (reply) await ctx.reply(reply, { parse_mode: "HTML" });
  };
}
