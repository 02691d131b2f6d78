import { createConversation } from "@grammyjs/conversations";
import { Composer, InlineKeyboard, type Context } from "grammy";
import { demoteAccount, promoteAccount, type PhaseChangeResult } from "../../app/accounts/change-phase.js";
import { nextPhase } from "../../domain/phases.js";
import { hasRole } from "../../domain/roles.js";
import { actorId, actorOf, type BotContext, type BotDeps } from "../context.js";
import { waitChoice, waitOverrideCode, type Dialogue } from "../dialogue.js";
import { requireRole } from "../middlewares/authorize.js";
import { tradingAccount } from "../../app/accounts/trading-account.js";
import { esc } from "../render/html.js";
import { money } from "../render/order.js";
import { renderPhase } from "../render/monitor.js";
import { etDateTime } from "../render/time.js";
import { replyHtml } from "../reply.js";
import { phaseView, phaseViews } from "../views.js";

const USAGE = "/phase — show; /phase promote — one rung up (admins, override code, gate); /phase demote — one rung down (admins)";

/**
 * /phase: the phase, its day count and, in shadow, the promotion gate against its targets.
 * `/phase promote` and `/phase demote` move the trading account one rung (admins only); a
 * promotion asks for a confirmation and then the override code, last, as /resume does.
 */
export function phaseFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.use(createConversation(promoteDialogue(deps), { id: "promote", parallel: true, maxMillisecondsToWait: 10 * 60_000 }));
  composer.command("phase", async (ctx) => {
    const action = ctx.match.trim().toLowerCase();
    if (action === "") {
      const views = await phaseViews(deps);
      return replyHtml(ctx, views.length ? views.map(renderPhase).join("\n\n") : "No account yet.");
    }
    if (action !== "promote" && action !== "demote") return void (await ctx.reply(`Unknown /phase argument.\n${USAGE}`));
    if (!hasRole(ctx.operator.role, "admin")) return requireRole("admin", `/phase ${action}`)(ctx, () => Promise.resolve());
    if (action === "promote") {
      await ctx.conversation.exit("promote");
      return ctx.conversation.enter("promote");
    }
    const account = await tradingAccount(deps.reader);
    if (!account) return void (await ctx.reply("No account yet."));
    const result = await demoteAccount(deps.phases, { accountId: account.id, actor: actorOf(ctx), actorIsAdmin: true });
    await deps.audit.record({ actor: actorOf(ctx), action: "tg.phase.demote", accountId: account.id, details: { outcome: result.outcome } });
    await replyHtml(ctx, renderChange(account.name, result));
  });
  return composer;
}

function promoteDialogue(deps: BotDeps) {
  return async (conversation: Dialogue, ctx: Context) => {
    const userId = ctx.from!.id;
    const briefing = await conversation.external(async () => {
      const account = await tradingAccount(deps.reader);
      const view = account ? await phaseView(deps, account.id) : undefined;
      if (!account || !view) return null;
      const to = nextPhase(view.phase);
      const gate = view.gate ? { passed: view.gate.passed, failures: view.gate.checks.filter((c) => !c.passed).map((c) => `${c.label} ${c.value} (target ${c.target})`) } : { passed: true, failures: [] };
      return { accountId: account.id, name: account.name, from: view.phase, to: to ?? null, text: renderPhase(view), gate };
    });
    if (!briefing) return void (await ctx.reply("No account yet."));
    if (!briefing.to) return void (await ctx.reply(`${briefing.name} is already in ${briefing.from}, the last phase.`));
    await replyHtml(ctx, briefing.text);
    if (!briefing.gate.passed) return void (await ctx.reply(`Not promoted: the promotion gate has not passed (${briefing.gate.failures.join("; ")}).`));
    await ctx.reply(`Promote ${briefing.name} from ${briefing.from} to ${briefing.to}? ${briefing.to === "micro" || briefing.to === "small" ? "This phase trades REAL money." : ""}`.trim(), {
      reply_markup: new InlineKeyboard().text(`Promote to ${briefing.to}`, "ph:go:yes").text("Cancel", "dlg:cancel"),
    });
    if (!(await waitChoice(conversation, userId, "ph:go:"))) return void (await ctx.reply("Cancelled: the phase is unchanged."));
    // The override-code lock is desk-wide: no point asking for a code that would not even be checked.
    const lockedUntil = await conversation.external(async () => {
      const until = (await deps.killSwitch.store.status(briefing.accountId))?.resumeLockedUntil;
      return until && until > deps.killSwitch.clock.now() ? until.toISOString() : null;
    });
    if (lockedUntil) return void (await ctx.reply(`🔒 Override codes are locked after too many wrong codes until ${etDateTime(new Date(lockedUntil))}: the phase is unchanged.`));
    const code = await waitOverrideCode(conversation, ctx, userId);
    if (code === null) return void (await ctx.reply("Cancelled: the phase is unchanged."));
    const reply = await conversation.external(async () => {
      const result = await promoteAccount(deps.phases, { accountId: briefing.accountId, actor: actorId(userId), actorIsAdmin: true, code, gate: briefing.gate });
      await deps.audit.record({ actor: actorId(userId), action: "tg.phase.promote", accountId: briefing.accountId, details: { outcome: result.outcome } });
      return renderChange(briefing.name, result);
    });
    await replyHtml(ctx, reply);
  };
}

function renderChange(name: string, r: PhaseChangeResult): string {
  if (r.outcome === "refused") return `❌ Not changed: ${esc(r.reason)}.`;
  const verb = r.outcome === "promoted" ? "promoted" : "demoted";
  return `✅ ${esc(name)} ${verb}: ${esc(r.from)} → ${esc(r.to)}; the phase starts now from ${money(r.phaseStartEquity)}.`;
}

