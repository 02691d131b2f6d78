import { Composer } from "grammy";
import { haltTrading } from "../../app/kill-switch/halt-trading.js";
import { actorOf, type BotContext, type BotDeps } from "../context.js";
import { bold, esc } from "../render/html.js";
import { replyHtml } from "../reply.js";

/** /halt [reason]: every operator may stop trading, on every account, at once. No confirmation: stopping is always allowed. */
export function haltFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("halt", async (ctx) => {
    const reason = ctx.match.trim().slice(0, 500) || "manual halt from Telegram";
    const actor = actorOf(ctx);
    const results = await haltTrading(deps.killSwitch, { reason, actor });
    await deps.audit.record({ actor, action: "tg.halt", details: { reason, accounts: results.map((r) => r.accountId) } });
    const lines = results.map((r) => `• ${esc(r.accountName)}: ${r.changed ? "HALTED" : "was already halted"}`);
    // Split like every long reply: one line per account can outgrow a single message.
    await replyHtml(ctx, [`🚨 ${bold("Trading halted")}`, `reason: ${esc(reason)}`, ...lines, "", "Admins resume with /resume."].join("\n"));
  });
  return composer;
}
