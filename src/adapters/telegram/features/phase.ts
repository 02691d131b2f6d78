import { createConversation } from "@grammyjs/conversations";
import { Composer } from "grammy";
import { demoteAccount } from "../../../app/accounts/change-phase.js";
import type { AccountSummary } from "../../../app/ports/desk-reader.js";
import { nextPhase, previousPhase } from "../../../domain/phases.js";
import { hasRole } from "../../../domain/roles.js";
import { onAccountChoice, takeAccountWord, withAccount } from "../account-choice.js";
import { actorOf, type BotContext, type BotDeps } from "../context.js";
import { requireRole } from "../middlewares/authorize.js";
import { esc } from "../render/html.js";
import { renderPhase } from "../render/monitor.js";
import { replyHtml } from "../reply.js";
import { phaseViews } from "../views.js";
import { checklistBlock, phaseAlerts, phaseCheck, trackingBlock } from "./phase-checklist.js";
import { promoteDialogue, promotionDecisions, renderChange } from "./phase-promote.js";

const USAGE = [
  "/phase — every account's phase (and, in live-prep, the checklist)",
  "/phase promote [@account] — one rung up (admins, override code, gate or checklist; four eyes toward real money)",
  "/phase demote [@account] — one rung down (admins)",
  "/phase check [TICKER] — the read-only live broker check (admins)",
  "/phase alerts — a test alert to every admin (admins)",
].join("\n");

/** Accounts a promotion could be meant for: a shadow account climbs to live-prep (where it opens the live account); a live one to small. */
function promotable(a: Pick<AccountSummary, "mode" | "phase">): boolean {
  if (!nextPhase(a.phase)) return false;
  return a.mode === "live" || a.phase === "shadow" || a.phase === "live-prep";
}

/** A live account stops at live-prep: its shadow phase would lift every limit on real money. */
function demotable(a: Pick<AccountSummary, "mode" | "phase">): boolean {
  const to = previousPhase(a.phase);
  return to !== undefined && !(a.mode === "live" && to === "shadow");
}

/**
 * /phase: each account's phase, its day count and, in shadow, the promotion gate; in live-prep,
 * the live-prep checklist with its evidence. `/phase promote|demote` address one account
 * (`@name`, the operator's default, or a question with buttons); `check` and `alerts` put
 * live-prep evidence on record. Everything but the plain view is for admins.
 */
export function phaseFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.use(createConversation(promoteDialogue(deps), { id: "promote", parallel: true, maxMillisecondsToWait: 10 * 60_000 }));
  composer.use(promotionDecisions(deps));
  composer.use(onAccountChoice(deps, { command: "phase", role: "admin" }, (ctx, account, text) => runOnAccount(ctx, deps, account, text)));
  composer.command("phase", async (ctx) => {
    const [action = "", ...rest] = ctx.match.trim().split(/\s+/);
    const verb = action.toLowerCase();
    if (verb === "") return showPhases(ctx, deps);
    if (!["promote", "demote", "check", "alerts"].includes(verb)) return void (await ctx.reply(`Unknown /phase argument.\n${USAGE}`));
    if (!hasRole(ctx.operator.role, "admin")) return requireRole("admin", `/phase ${verb}`)(ctx, () => Promise.resolve());
    if (verb === "check") return phaseCheck(ctx, deps, rest.join(" "));
    if (verb === "alerts") return phaseAlerts(ctx, deps);
    const word = takeAccountWord(rest.join(" "));
    if (!word.ok) return void (await ctx.reply(`❌ ${esc(word.error)}`, { parse_mode: "HTML" }));
    const none = verb === "promote" ? "❌ No account can be promoted." : "❌ No account can be demoted.";
    await withAccount(ctx, deps, { command: "phase", text: verb, explicit: word.explicit, eligible: verb === "promote" ? promotable : demotable, none }, (account) => runOnAccount(ctx, deps, account, verb));
  });
  return composer;
}

async function showPhases(ctx: BotContext, deps: BotDeps): Promise<void> {
  const views = await phaseViews(deps);
  if (views.length === 0) return void (await ctx.reply("No account yet."));
  // The view carries the account's id, mode and phase: what the extra blocks are chosen by.
  const blocks = await Promise.all(
    views.map(async (view) => {
      const account = { id: view.accountId, mode: view.mode, phase: view.phase };
      const [checklist, tracking] = await Promise.all([checklistBlock(deps, account), trackingBlock(deps, account)]);
      return [renderPhase(view), checklist, tracking].filter(Boolean).join("\n\n");
    }),
  );
  await replyHtml(ctx, blocks.join("\n\n"));
}

/** `promote` or `demote` on the chosen account (from the command, or from the "Which account?" press). */
async function runOnAccount(ctx: BotContext, deps: BotDeps, account: AccountSummary, text: string): Promise<void> {
  if (text === "promote") {
    // A second /phase promote replaces the first dialogue rather than running beside it.
    await ctx.conversation.exit("promote");
    return void (await ctx.conversation.enter("promote", account.id));
  }
  const result = await demoteAccount(deps.phases, { accountId: account.id, actor: actorOf(ctx), actorIsAdmin: true });
  await deps.audit.record({ actor: actorOf(ctx), action: "tg.phase.demote", accountId: account.id, details: { outcome: result.outcome } });
  await replyHtml(ctx, renderChange(account.name, result));
}
