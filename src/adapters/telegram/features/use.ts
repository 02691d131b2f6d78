import { choiceLabel } from "../account-choice.js";
import { Composer, InlineKeyboard } from "grammy";
import { findAccount } from "../../../app/accounts/choose-account.js";
import type { AccountSummary } from "../../../app/ports/desk-reader.js";
import { actorOf, type BotContext, type BotDeps } from "../context.js";
import { words } from "../parse.js";
import { accountTag, noSuchAccount } from "../render/account.js";

/** "use:<account uuid>" (40 bytes) or "use:none". A mangled id never reaches a uuid cast. */
const USE_CALLBACK = /^use:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|none)$/;

/**
 * /use NAME: the account this operator's trading commands go to when they name none, kept in
 * PostgreSQL (operators.default_account_id). /use alone shows it, with a button per account;
 * /use none clears it. Each operator sets their own; nobody else's changes.
 */
export function useFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("use", async (ctx) => {
    const [token, ...extra] = words(ctx.match);
    const accounts = await deps.reader.accounts();
    if (token === undefined) return showDefault(ctx, deps, accounts);
    if (extra.length > 0) return void (await ctx.reply("❌ /use takes one account name: /use NAME, /use none, or /use alone to see yours."));
    if (token.toLowerCase() === "none") return setDefault(ctx, deps, null);
    const account = findAccount(accounts, token);
    if (!account) return void (await ctx.reply(`${noSuchAccount(token, accounts.map((a) => a.name))} Your default is unchanged.`, { parse_mode: "HTML" }));
    await setDefault(ctx, deps, account);
  });

  composer.callbackQuery(USE_CALLBACK, async (ctx) => {
    const [, picked] = USE_CALLBACK.exec(ctx.callbackQuery.data)!;
    const account = picked === "none" ? null : await deps.reader.account(picked!);
    if (account === undefined) return void (await ctx.answerCallbackQuery({ text: "That account no longer exists: your default is unchanged.", show_alert: true }));
    await ctx.answerCallbackQuery({ text: account ? `Default: ${account.name}` : "No default" });
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await setDefault(ctx, deps, account);
  });
  return composer;
}

async function showDefault(ctx: BotContext, deps: BotDeps, accounts: AccountSummary[]): Promise<void> {
  if (accounts.length === 0) return void (await ctx.reply("No account yet."));
  const current = await deps.operators.defaultAccount(ctx.from!.id);
  const mine = accounts.find((a) => a.id === current);
  const keyboard = new InlineKeyboard();
  for (const a of accounts) keyboard.text(`${a.id === current ? "⭐ " : ""}${choiceLabel(a)}`.slice(0, 60), `use:${a.id}`).row();
  if (mine) keyboard.text("No default", "use:none");
  const text = mine
    ? `Your default account: ${accountTag(mine)}. Trading commands go there unless they name another with @NAME.`
    : "You have no default account: a trading command asks when more than one account could be meant.";
  await ctx.reply(`${text}\nPick one:`, { parse_mode: "HTML", reply_markup: keyboard });
}

async function setDefault(ctx: BotContext, deps: BotDeps, account: AccountSummary | null): Promise<void> {
  await deps.operators.setDefaultAccount(ctx.from!.id, account?.id ?? null);
  await deps.audit.record({ actor: actorOf(ctx), action: "tg.account.default", ...(account ? { accountId: account.id } : {}), details: { account: account?.name ?? null } });
  const text = account
    ? `✅ Your default account is now ${accountTag(account)}: /execute and /close go there unless they name another with @NAME.${account.mode === "live" ? "\n⚠️ That is REAL money; every live order still waits for a trader's press." : ""}`
    : "✅ You have no default account now: a trading command asks when more than one account could be meant.";
  await ctx.reply(text, { parse_mode: "HTML" });
}
