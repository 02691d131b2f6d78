import { Composer } from "grammy";
import { haltTrading, HALT_REASON_MAX_CHARS } from "../../../app/kill-switch/halt-trading.js";
import { cleanText } from "../../../domain/text.js";
import { actorOf, type BotContext, type BotDeps } from "../context.js";
import { bold, esc } from "../render/html.js";
import { replyHtml } from "../reply.js";

/**
 * /halt [reason]: every operator may stop trading, on every account, at once. No confirmation:
 * stopping is always allowed. Mounted before the de-duplication ledger's refusals and before the
 * dialogues (both in Redis), so a halt needs PostgreSQL and nothing else; the audit row and the
 * reply come after the commit and cannot undo it.
 */
export function haltFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("halt", async (ctx) => {
    const reason = cleanText(ctx.match, { maxChars: HALT_REASON_MAX_CHARS }) || "manual halt from Telegram";
    const actor = actorOf(ctx);
    const results = await haltTrading(deps.killSwitch, { reason, actor });
    await deps.audit.record({ actor, action: "tg.halt", details: { reason, accounts: results.map((r) => r.accountId) } }).catch((error: unknown) => {
      deps.log.error({ err: error instanceof Error ? error.message : String(error) }, "the halt committed but its tg.halt audit row could not be written");
    });
    const lines = results.map((r) => `• ${esc(r.accountName)}: ${r.changed ? "HALTED" : "was already halted"}`);
    // Split like every long reply: one line per account can outgrow a single message.
    await replyHtml(ctx, [`🚨 ${bold("Trading halted")}`, `reason: ${esc(reason)}`, ...lines, "", "Admins resume with /resume."].join("\n"));
  });
  return composer;
}
