import { Composer, InlineKeyboard, type Context } from "grammy";
import { promoteAccount, type PhaseChangeResult } from "../../../app/accounts/change-phase.js";
import { decidePromotion, type PromotionDecision } from "../../../app/accounts/promotion-decision.js";
import { planRealMoneyPromotion } from "../../../app/accounts/promotion.js";
import type { Promotion } from "../../../app/ports/live-prep-store.js";
import { nextPhase } from "../../../domain/phases.js";
import { actorId, actorOf, type BotContext, type BotDeps } from "../context.js";
import { waitChoice, waitOverrideCode, type Dialogue } from "../dialogue.js";
import { accountLabel } from "../render/account.js";
import { bold, esc, italic } from "../render/html.js";
import { renderPhase } from "../render/monitor.js";
import { money } from "../render/order.js";
import { etDateTime, etTime } from "../render/time.js";
import { replyHtml } from "../reply.js";
import { phaseView } from "../views.js";
import { checklistBlock, trackingBlock } from "./phase-checklist.js";

/**
 * `/phase promote`: confirmation, then the override code (last, as /resume does). Toward real
 * money with PROMOTION_FOUR_EYES the result is a request posted to the OTHER admins with
 * Approve / Deny buttons (`pp:<promotion id>:ok|no`); the first decision wins, the requester's
 * own press is refused, an expired request says so.
 */

const PROMOTION_DATA = /^pp:([0-9a-f-]{36}):(ok|no)$/;
const REAL_MONEY = new Set(["micro", "small"]);

interface Briefing {
  accountId: string;
  name: string;
  from: string;
  to: string | null;
  text: string;
  gate: { passed: boolean; failures: string[] };
  /** Why it cannot go ahead now (with what to do), before any code is asked. */
  refusal: { reason: string; missing: string[] } | null;
  /** What the promotion will do, for the confirmation. */
  effect: string;
}

/** What the admin sees before confirming: plain data (it is kept in the dialogue's stored state). */
async function brief(deps: BotDeps, accountId: string, requester: string): Promise<Briefing | null> {
  // The view reads the account itself (undefined when it is gone) and carries what follows needs.
  const view = await phaseView(deps, accountId);
  if (!view) return null;
  const account = { id: view.accountId, name: view.accountName, mode: view.mode, phase: view.phase };
  const to = nextPhase(view.phase) ?? null;
  const gate = view.gate ? { passed: view.gate.passed, failures: view.gate.checks.filter((c) => !c.passed).map((c) => `${c.label} ${c.value} (target ${c.target})`) } : { passed: true, failures: [] };
  const [checklist, tracking] = await Promise.all([checklistBlock(deps, account), trackingBlock(deps, account)]);
  const text = [renderPhase(view), checklist, tracking].filter(Boolean).join("\n\n");
  const base = { accountId, name: account.name, from: view.phase, to, text, gate, refusal: null, effect: "" };
  if (!to || view.phase === "shadow") return base;
  const live = deps.phases.live;
  if (!live) return { ...base, refusal: { reason: "promotions toward real money are not configured in this process", missing: [] } };
  const plan = await planRealMoneyPromotion(live, account, to, requester);
  if ("outcome" in plan) return { ...base, refusal: { reason: plan.reason, missing: plan.missing ?? [] } };
  const effect =
    plan.live?.kind === "open"
      ? `This opens the live account ${plan.live.name} on KIS ${plan.live.brokerAccount} with ${money(plan.live.cash)} (the broker's USD cash), HALTED until an admin arms it; ${account.name} stays in live-prep and keeps paper trading.`
      : plan.live
        ? `This moves the live account ${plan.live.name} from live-prep to micro.`
        : `${to}'s limits bind ${account.name} from then on.`;
  const approval = live.settings.fourEyes ? " Another admin must then approve (four eyes)." : "";
  return { ...base, effect: `${effect}${approval}` };
}

export function promoteDialogue(deps: BotDeps) {
  return async (conversation: Dialogue, ctx: Context, accountId: string) => {
    const userId = ctx.from!.id;
    const briefing = await conversation.external(() => brief(deps, accountId, actorId(userId)));
    if (!briefing) return void (await ctx.reply("That account no longer exists."));
    if (!briefing.to) return void (await ctx.reply(`${briefing.name} is already in ${briefing.from}, the last phase.`));
    await replyHtml(ctx, briefing.text);
    if (!briefing.gate.passed) return void (await ctx.reply(`Not promoted: the promotion gate has not passed (${briefing.gate.failures.join("; ")}).`));
    if (briefing.refusal) return void (await replyHtml(ctx, renderRefusal(briefing.refusal.reason, briefing.refusal.missing)));
    const question = `Promote ${briefing.name} from ${briefing.from} to ${briefing.to}?${REAL_MONEY.has(briefing.to) ? " This phase trades REAL money." : ""}${briefing.effect ? ` ${briefing.effect}` : ""}`;
    await ctx.reply(question, { reply_markup: new InlineKeyboard().text(`Promote to ${briefing.to}`, "ph:go:yes").text("Cancel", "dlg:cancel") });
    if (!(await waitChoice(conversation, userId, "ph:go:"))) return void (await ctx.reply("Cancelled: the phase is unchanged."));
    // The override-code lock is desk-wide: no point asking for a code that would not even be checked.
    const lockedUntil = await conversation.external(async () => {
      const until = (await deps.killSwitch.store.status(briefing.accountId))?.resumeLockedUntil;
      return until && until > deps.killSwitch.clock.now() ? until.toISOString() : null;
    });
    if (lockedUntil) return void (await ctx.reply(`🔒 Override codes are locked after too many wrong codes until ${etDateTime(new Date(lockedUntil))}: the phase is unchanged.`));
    const code = await waitOverrideCode(conversation, ctx, userId);
    if (code === null) return void (await ctx.reply("Cancelled: the phase is unchanged."));
    const done = await conversation.external(async () => {
      const result = await promoteAccount(deps.phases, { accountId: briefing.accountId, actor: actorId(userId), actorIsAdmin: true, code, gate: briefing.gate });
      await deps.audit.record({ actor: actorId(userId), action: "tg.phase.promote", accountId: briefing.accountId, details: { outcome: result.outcome, ...(result.outcome === "requested" ? { promotion: result.promotion.id } : {}) } });
      if (result.outcome !== "requested") return { reply: renderChange(briefing.name, result), post: null };
      const others = (await deps.operators.all()).filter((o) => o.role === "admin" && o.userId !== userId).map((o) => o.userId);
      return { reply: "", post: { others, html: renderRequest(result.promotion, briefing.effect), expiresAt: result.promotion.expiresAt.toISOString(), id: result.promotion.id } };
    });
    if (!done.post) return void (await replyHtml(ctx, done.reply));
    const keyboard = new InlineKeyboard().text("Approve", `pp:${done.post.id}:ok`).text("Deny", `pp:${done.post.id}:no`);
    const reached: number[] = [];
    for (const admin of done.post.others) {
      // An admin who never started a chat with the bot cannot be reached: the others still are.
      const sent = await ctx.api.sendMessage(admin, done.post.html, { parse_mode: "HTML", reply_markup: keyboard }).then(() => true, () => false);
      if (sent) reached.push(admin);
    }
    const to = reached.length ? reached.map((id) => `tg:${id}`).join(", ") : "nobody (no other admin could be reached: they must start a chat with the bot)";
    await ctx.reply(`⏳ Requested: another admin must approve. Sent to ${to}; it expires at ${etTime(new Date(done.post.expiresAt))}.`);
  };
}

function renderRequest(p: Promotion, effect: string): string {
  return [
    `🪜 ${bold(`Promotion request: ${p.accountName} ${p.from} → ${p.to}`)}`,
    `requested by ${esc(p.requestedBy)}${REAL_MONEY.has(p.to) ? " · REAL money" : ""}`,
    esc(effect),
    italic(`Expires ${etTime(p.expiresAt)}. Four eyes: the requester cannot approve it.`),
  ].filter(Boolean).join("\n");
}

function renderRefusal(reason: string, missing: readonly string[] = [], what = "promoted"): string {
  return [`❌ Not ${what}: ${esc(reason)}.`, ...missing.map((m) => `• ${esc(m)}`)].join("\n");
}

export function renderChange(name: string, r: PhaseChangeResult): string {
  if (r.outcome === "refused") return renderRefusal(r.reason, r.missing, "changed");
  if (r.outcome === "requested") return `⏳ Requested: ${esc(r.promotion.accountName)} ${esc(r.promotion.from)} → ${esc(r.promotion.to)} waits for another admin.`;
  if (r.outcome === "promoted" && r.live) {
    const tag = esc(accountLabel({ name: r.live.name, mode: "live" }));
    const arm = r.live.state === "HALTED" ? `It starts HALTED: arm it with /resume @${esc(r.live.name)}.` : `Its kill switch is ${r.live.state}.`;
    return r.live.kind === "opened"
      ? `✅ Live account ${tag} opened in micro with ${money(r.live.cash)} (the broker's USD cash). ${arm} ${esc(name)} stays in live-prep and keeps paper trading.`
      : `✅ ${tag} moved live-prep → micro; the phase starts now from ${money(r.live.cash)}. ${arm}`;
  }
  const verb = r.outcome === "promoted" ? "promoted" : "demoted";
  return `✅ ${esc(name)} ${verb}: ${esc(r.from)} → ${esc(r.to)}; the phase starts now from ${money(r.phaseStartEquity)}.`;
}

/** The Approve / Deny press on a promotion request. */
export function promotionDecisions(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.callbackQuery(PROMOTION_DATA, async (ctx) => {
    const [, promotionId, verb] = PROMOTION_DATA.exec(ctx.callbackQuery.data)!;
    const decision = verb === "ok" ? "approve" : "deny";
    const actor = actorOf(ctx);
    const outcome = await decidePromotion(deps.phases, { promotionId: promotionId!, actor, actorIsAdmin: ctx.operator.role === "admin", decision });
    await deps.audit.record({ actor, action: `tg.promotion.${decision}`, subject: promotionId!, details: { outcome: outcome.outcome, ...(outcome.outcome === "refused" ? { refusal: outcome.code } : {}) } });
    await ctx.answerCallbackQuery({ text: answerText(outcome).slice(0, 190), show_alert: outcome.outcome === "refused" });
    const settled = settledText(outcome);
    // A refusal that leaves the request open (not an admin, own request, evidence not ready) keeps the buttons.
    if (settled) await ctx.editMessageText(settled, { parse_mode: "HTML" }).catch(() => undefined);
    if (outcome.outcome === "approved") await replyHtml(ctx, renderChange(outcome.promotion.accountName, outcome.result));
    if (outcome.outcome === "refused" && outcome.code === "not_ready") await replyHtml(ctx, renderRefusal(outcome.reason, outcome.missing));
  });
  return composer;
}

function answerText(o: PromotionDecision): string {
  switch (o.outcome) {
    case "approved":
      return o.result.live?.kind === "opened" ? `Approved: live account ${o.result.live.name} opened (HALTED).` : `Approved: ${o.promotion.accountName} ${o.promotion.from} → ${o.promotion.to}.`;
    case "denied":
      return "Denied.";
    case "refused":
      return `Nothing changed: ${o.reason}.`;
  }
}

/** The request message once it is settled (its buttons go); null while it stays open. */
function settledText(o: PromotionDecision): string | null {
  const p = o.promotion;
  if (!p) return null;
  const head = `🪜 ${bold(`Promotion request: ${p.accountName} ${p.from} → ${p.to}`)}\nrequested by ${esc(p.requestedBy)}`;
  if (o.outcome === "approved") return `${head}\n✅ approved by ${esc(p.decidedBy ?? "")}`;
  if (o.outcome === "denied") return `${head}\n❌ denied by ${esc(p.decidedBy ?? "")}`;
  if (o.code === "expired") return `${head}\n⌛ expired${p.expiresAt ? ` at ${etTime(p.expiresAt)}` : ""}: ask again with /phase promote`;
  if (o.code === "already_decided") return `${head}\n${esc(p.status)}${p.decidedBy ? ` by ${esc(p.decidedBy)}` : ""}`;
  return null;
}
