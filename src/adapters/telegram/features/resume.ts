import { createConversation } from "@grammyjs/conversations";
import { Composer, InlineKeyboard, type Context } from "grammy";
import { haltedAccounts, type ResumeBriefing } from "../../../app/kill-switch/resume-briefing.js";
import { resumeTrading, type ResumeResult } from "../../../app/kill-switch/resume-trading.js";
import { findAccount } from "../../../app/accounts/choose-account.js";
import { takeAccountWord } from "../account-choice.js";
import { actorId, type BotContext, type BotDeps } from "../context.js";
import { waitChoice, waitOverrideCode, type Dialogue } from "../dialogue.js";
import { requireRole } from "../middlewares/authorize.js";
import { bold, esc } from "../render/html.js";
import { renderReading } from "../render/readings.js";
import { etDateTime } from "../render/time.js";

/**
 * /resume (admins): why it halted and what the triggers read now -> acknowledgement of any
 * trigger that still holds -> final confirmation -> the override code, which commits. The code
 * comes last on purpose: the dialogue ends on it, so the code is never written into the stored
 * dialogue state, and its message is deleted as soon as it is read. A wrong code ends the
 * dialogue (and counts toward the lockout); /resume starts again.
 */
export function resumeFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.use(createConversation(resumeDialogue(deps), { id: "resume", parallel: true, maxMillisecondsToWait: 10 * 60_000 }));
  composer.command("resume", requireRole("admin", "/resume"), async (ctx) => {
    if (!deps.killSwitch.overrideCode) {
      await ctx.reply("❌ No override code is configured, so nobody can resume: set OVERRIDE_CODE_HASH (npm run override:hash) and restart.");
      return;
    }
    // `/resume @live` names the account; without it the dialogue asks when several are halted.
    const word = takeAccountWord(ctx.match);
    if (!word.ok) return void (await ctx.reply(`❌ ${esc(word.error)}`, { parse_mode: "HTML" }));
    if (word.rest !== "") return void (await ctx.reply("usage: /resume [@account]"));
    let only: string | null = null;
    if (word.explicit) {
      const accounts = await deps.reader.accounts();
      const named = findAccount(accounts, word.explicit);
      if (!named) return void (await ctx.reply(`❌ No account "${esc(word.explicit.slice(0, 32))}". Accounts: ${esc(accounts.map((a) => a.name).join(", "))}.`, { parse_mode: "HTML" }));
      const status = await deps.killSwitch.store.status(named.id);
      if (status?.state === "ACTIVE") return void (await ctx.reply(`${named.name} is ACTIVE: nothing to resume.`));
      only = named.id;
    }
    // A second /resume replaces the first dialogue rather than running beside it.
    await ctx.conversation.exit("resume");
    await ctx.conversation.enter("resume", only);
  });
  return composer;
}

const CANCELLED = "Cancelled: the account stays halted.";
const cancelButton = (kb: InlineKeyboard) => kb.text("Cancel", "dlg:cancel");

function resumeDialogue(deps: BotDeps) {
  return async (conversation: Dialogue, ctx: Context, only: string | null = null) => {
    const userId = ctx.from!.id;
    const all = await conversation.external(() => haltedAccounts(deps.killSwitch));
    const halted = only ? all.filter((b) => b.accountId === only) : all;
    if (halted.length === 0) return void (await ctx.reply(only ? "That account is no longer halted: nothing to resume." : "Every account is ACTIVE: nothing to resume."));

    let account = halted[0]!;
    if (halted.length > 1) {
      const kb = new InlineKeyboard();
      // The account id, not a position in the list: an old keyboard still means what its label says.
      for (const b of halted) kb.text(b.accountName, `rs:acct:${b.accountId}`).row();
      await ctx.reply("Which account?", { reply_markup: cancelButton(kb) });
      const picked = await waitChoice(conversation, userId, "rs:acct:");
      if (!picked) return void (await ctx.reply(CANCELLED));
      const chosen = halted.find((b) => b.accountId === picked.choice);
      if (!chosen) return void (await ctx.reply("That account is no longer halted: nothing to resume there."));
      account = chosen;
    }
    await ctx.reply(renderBriefing(account), { parse_mode: "HTML" });
    if (account.lockedUntil) return void (await ctx.reply(`🔒 Resume is locked after too many wrong codes until ${etDateTime(new Date(account.lockedUntil))}.`));

    const acknowledge = account.stillFiring.length > 0;
    if (acknowledge) {
      await ctx.reply(
        `⚠️ Still holding: ${account.stillFiring.map((r) => r.trigger).join(", ")}. Resuming means acknowledging ${account.stillFiring.length > 1 ? "them" : "it"}: suppressed until ${account.stillFiring.length > 1 ? "they clear" : "it clears"} or the next trading day.`,
        { reply_markup: cancelButton(new InlineKeyboard().text("Acknowledge", "rs:ack:yes")) },
      );
      if (!(await waitChoice(conversation, userId, "rs:ack:"))) return void (await ctx.reply(CANCELLED));
    }
    await ctx.reply(`Resume trading on ${account.accountName}?`, { reply_markup: cancelButton(new InlineKeyboard().text("Resume trading", "rs:go:yes")) });
    if (!(await waitChoice(conversation, userId, "rs:go:"))) return void (await ctx.reply(CANCELLED));

    const code = await waitOverrideCode(conversation, ctx, userId);
    if (code === null) return void (await ctx.reply(CANCELLED));
    const result = await conversation.external(async () => {
      const outcome = await resumeTrading(deps.killSwitch, { accountId: account.accountId, actor: actorId(userId), code, acknowledge });
      await deps.audit.record({ actor: actorId(userId), action: "tg.resume", accountId: account.accountId, details: { outcome: outcome.outcome } });
      return renderResult(account, outcome);
    });
    await ctx.reply(result, { parse_mode: "HTML" });
  };
}

function renderBriefing(b: ResumeBriefing): string {
  return [
    `🚨 ${bold(b.accountName)} is HALTED since ${esc(etDateTime(new Date(b.since)))}`,
    `trigger: ${esc(b.trigger ?? "manual")} · by ${esc(b.haltedBy)}`,
    `reason: ${esc(b.reason)}`,
    "",
    bold("Triggers now"),
    ...b.readings.map(renderReading),
  ].join("\n");
}

function renderResult(b: ResumeBriefing, r: ResumeResult): string {
  switch (r.outcome) {
    case "resumed":
      return `🟢 ${bold(`Trading resumed on ${b.accountName}`)}${r.suppressed.length ? `\nacknowledged, suppressed for today: ${esc(r.suppressed.join(", "))}` : ""}`;
    case "wrong_code":
      return r.lockedUntil
        ? `🔒 Wrong code. Resume is now locked until ${esc(etDateTime(r.lockedUntil))}; every admin was told.`
        : `❌ Wrong code: ${r.attemptsLeft} attempt(s) left before a lockout. The account stays halted; /resume to try again.`;
    case "locked":
      return `🔒 Resume is locked until ${esc(etDateTime(r.until))}.`;
    case "needs_acknowledgement":
      return `⚠️ A trigger started holding meanwhile: ${esc(r.stillFiring.map((x) => x.trigger).join(", "))}. Nothing changed; /resume again to read and acknowledge it.`;
    case "not_halted":
      return `${esc(b.accountName)} is not halted any more: nothing to do.`;
    case "no_code_configured":
      return "❌ No override code is configured: set OVERRIDE_CODE_HASH (npm run override:hash).";
  }
}
