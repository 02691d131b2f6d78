import { Composer } from "grammy";
import { runWarRoom } from "../../../app/warroom/session.js";
import { TICKER_PATTERN } from "../../../domain/vocabulary.js";
import { actorOf, type BotContext, type BotDeps } from "../context.js";
import { requireRole } from "../middlewares/authorize.js";
import { words } from "../parse.js";
import { esc } from "../render/html.js";
import { renderWarRoom } from "../render/warroom.js";
import { replyHtml } from "../reply.js";

/** /warroom TICKER: a War Room session now; an actionable decision is proposed on every eligible account (one message each) with its rationale. */
export function warroomFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("warroom", requireRole("trader", "/warroom"), async (ctx) => {
    const args = words(ctx.match);
    const ticker = (args[0] ?? "").toUpperCase();
    if (args.length !== 1 || !TICKER_PATTERN.test(ticker)) {
      return void (await ctx.reply(`❌ ${args.length === 0 ? "missing the ticker" : `"${esc(args.join(" ").slice(0, 24))}" is not one ticker`}.\nusage: /warroom NVDA`, { parse_mode: "HTML" }));
    }
    if (!deps.warroom) return void (await ctx.reply("The War Room is not available in this process."));
    await ctx.replyWithChatAction("typing").catch(() => undefined);
    // Decided on the reference (shadow) account, mirrored to every account that trades: no account to choose.
    const result = await runWarRoom(deps.warroom, { ticker, requestedBy: actorOf(ctx), propose: true });
    if (!result) return void (await ctx.reply("No account yet."));
    const legs = result.mirror?.legs.map((l) => ({ account: l.accountId, outcome: l.outcome, quantity: l.quantity })) ?? null;
    await deps.audit.record({ actor: actorOf(ctx), action: "tg.warroom", accountId: result.accountId, subject: ticker, details: { session: result.sessionId, decision: result.decision.decision, mirror: result.mirror?.mirrorId ?? null, legs } });
    await replyHtml(ctx, renderWarRoom(result, await deps.warroom.store.accuracy()));
  });
  return composer;
}
