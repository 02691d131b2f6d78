import { Composer, InlineKeyboard } from "grammy";
import { chooseAccount } from "../../app/accounts/choose-account.js";
import type { AccountSummary } from "../../app/ports/desk-reader.js";
import { limitsFor } from "../../domain/risk/phase-limits.js";
import { hasRole } from "../../domain/roles.js";
import type { Role } from "../../domain/vocabulary.js";
import type { BotContext, BotDeps } from "./context.js";
import { words } from "./parse.js";
import { accountLabel, noSuchAccount } from "./render/account.js";
import { esc } from "./render/html.js";

/**
 * Every trading command addresses one account (issue 14): `@name` in its arguments, else the
 * operator's default (/use), else the only account that could be meant. When more than one
 * could be meant the bot asks with one button per account and runs the command on the press,
 * once, as the operator who typed it, with the idempotency key of the ORIGINAL message, so a
 * replayed or repeated press can never order twice.
 */

/** Where a command came from: its idempotency keys derive from the message that asked for it. */
export interface CommandOrigin {
  chatId: number;
  userId: number;
  messageId: number;
}

/** The idempotency key of an order asked for by a Telegram message: the same message, the same key. */
export function idempotencyKeyOf(origin: CommandOrigin): string {
  return `tg-${origin.chatId}-${origin.messageId}`;
}

/** A command waiting for its operator to pick an account. */
export interface PendingChoice {
  /** The command's name ("execute"): which feature runs it on the press. */
  command: string;
  /** Its arguments, the `@name` word removed. */
  text: string;
  userId: number;
  chatId: number;
  messageId: number;
  /** The accounts offered, in button order. */
  candidates: { id: string; label: string }[];
}

export type TakeChoiceResult =
  | { status: "claimed"; choice: PendingChoice }
  /** Pressed before: `outcome` is what that press did. */
  | { status: "taken"; outcome: string }
  | { status: "expired" }
  | { status: "not_yours" };

/** Kept in Redis with a TTL (src/adapters/redis/pending-choices.ts). */
export interface PendingChoiceStore {
  readonly ttlSeconds: number;
  /** Stores the question; returns its id (12 hex characters). */
  save(choice: PendingChoice): Promise<string>;
  /** Claims it for `userId`, once; `outcome` names what the claim does, for any later press. */
  take(id: string, userId: number, outcome: (choice: PendingChoice) => string): Promise<TakeChoiceResult>;
}

/** Callback data: "ac:<command>:<choice id>:<button index | x for cancel>", under 40 bytes. */
const CHOICE_DATA = /^ac:([a-z]{1,16}):([0-9a-f]{12}):(\d{1,2}|x)$/;

export type AccountWord = { ok: true; rest: string; explicit: string | null } | { ok: false; error: string };

/**
 * Takes the `@name` word out of a command's arguments, wherever it is. Everything else (flags
 * such as --mirror included) is passed through in order. Two different names are an error.
 */
export function takeAccountWord(args: string): AccountWord {
  const rest: string[] = [];
  let explicit: string | null = null;
  for (const word of words(args)) {
    if (!word.startsWith("@")) {
      rest.push(word);
      continue;
    }
    const name = word.slice(1);
    if (name === "") return { ok: false, error: "“@” needs an account name, e.g. @shadow (/accounts lists them)." };
    if (explicit !== null && explicit.toLowerCase() !== name.toLowerCase()) return { ok: false, error: `name one account only (got @${explicit} and @${name}).` };
    explicit = name;
  }
  return { ok: true, rest: rest.join(" "), explicit };
}

export interface AccountRequest {
  /** The command's name without "/", as its feature registered it with onAccountChoice. */
  command: string;
  /** Its arguments without the `@name` word: shown in the question and run on the press. */
  text: string;
  explicit: string | null;
  /** Which accounts the command could be meant for; every account when omitted. */
  eligible?: (account: AccountSummary) => boolean | Promise<boolean>;
  /** The reply when no account could be meant (HTML); a generic one when omitted. */
  none?: string;
}

/** Accounts whose phase places orders (a live account in live-prep does not): what an order could be meant for. */
export function tradesInPhase(account: Pick<AccountSummary, "mode" | "phase">): boolean {
  return limitsFor(account.mode, account.phase).trading;
}

/**
 * Resolves the account a command addresses and runs it there, or asks. `run` gets the account
 * and the command's origin (idempotency keys derive from it); when the bot asks, the same
 * command runs from the press through the handler its feature registered with onAccountChoice.
 */
export async function withAccount(
  ctx: BotContext,
  deps: BotDeps,
  request: AccountRequest,
  run: (account: AccountSummary, origin: CommandOrigin) => Promise<void>,
): Promise<void> {
  const [accounts, defaultAccountId] = await Promise.all([deps.reader.accounts(), deps.operators.defaultAccount(ctx.from!.id)]);
  const flags = await Promise.all(accounts.map(async (a) => (request.eligible ? request.eligible(a) : true)));
  const eligible = new Set(accounts.filter((_, i) => flags[i]).map((a) => a.id));
  const resolution = chooseAccount({
    accounts,
    explicit: request.explicit,
    defaultAccountId,
    eligible: (a) => eligible.has(a.id),
  });
  const shown = `/${request.command}${request.text ? ` ${request.text}` : ""}`;
  switch (resolution.kind) {
    case "chosen":
      return run(resolution.account, { chatId: ctx.chat!.id, userId: ctx.from!.id, messageId: ctx.msg!.message_id });
    case "unknown":
      return void (await ctx.reply(`${noSuchAccount(resolution.token, resolution.names)} Nothing was done.`, { parse_mode: "HTML" }));
    case "none":
      return void (await ctx.reply([staleDefault(resolution.ineligibleDefault), request.none ?? "❌ No account could take this. /accounts lists them."].filter(Boolean).join("\n"), { parse_mode: "HTML" }));
    case "ask": {
      const candidates = resolution.candidates.map((a) => ({ id: a.id, label: choiceLabel(a) }));
      const id = await deps.accountChoices.save({ command: request.command, text: request.text, userId: ctx.from!.id, chatId: ctx.chat!.id, messageId: ctx.msg!.message_id, candidates });
      const keyboard = new InlineKeyboard();
      candidates.forEach((c, i) => keyboard.text(c.label, `ac:${request.command}:${id}:${i}`).row());
      keyboard.text("Cancel", `ac:${request.command}:${id}:x`);
      const minutes = Math.round(deps.accountChoices.ttlSeconds / 60);
      const lines = [staleDefault(resolution.ineligibleDefault), `Which account should ${esc(shown)} go to?`, `<i>Or name it: @NAME in the command; /use NAME sets your default. This question expires in ${minutes} minutes.</i>`];
      await ctx.reply(lines.filter(Boolean).join("\n"), { parse_mode: "HTML", reply_markup: keyboard });
    }
  }
}

/**
 * The press on a "Which account?" button for `command`: runs it on the chosen account as the
 * operator who asked (nobody else may answer), once. `role` is checked again: a role taken away
 * while the question waited is taken away.
 */
export function onAccountChoice(
  deps: BotDeps,
  options: { command: string; role: Role },
  run: (ctx: BotContext, account: AccountSummary, text: string, origin: CommandOrigin) => Promise<void>,
): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.callbackQuery(CHOICE_DATA, async (ctx, next) => {
    const [, command, id, pick] = CHOICE_DATA.exec(ctx.callbackQuery.data)!;
    if (command !== options.command) return next();
    if (!hasRole(ctx.operator.role, options.role)) {
      return void (await ctx.answerCallbackQuery({ text: `/${options.command} needs the ${options.role} role.`, show_alert: true }));
    }
    const index = pick === "x" ? -1 : Number(pick);
    const taken = await deps.accountChoices.take(id!, ctx.from.id, (c) => (index < 0 ? "cancelled" : `sent to ${c.candidates[index]?.label ?? "?"}`));
    if (taken.status === "not_yours") return void (await ctx.answerCallbackQuery({ text: "This question is for the operator who sent the command.", show_alert: true }));
    if (taken.status === "expired") return void (await ctx.answerCallbackQuery({ text: "This question expired: nothing was done. Send the command again.", show_alert: true }));
    if (taken.status === "taken") return void (await ctx.answerCallbackQuery({ text: `Already answered (${taken.outcome}): nothing more was done.`, show_alert: true }));
    const choice = taken.choice;
    const shown = `/${choice.command}${choice.text ? ` ${choice.text}` : ""}`;
    if (index < 0) {
      await ctx.answerCallbackQuery({ text: "Cancelled." });
      return void (await ctx.editMessageText(`Cancelled: ${esc(shown)} was not sent.`, { parse_mode: "HTML" }).catch(() => undefined));
    }
    const picked = choice.candidates[index];
    const account = picked ? await deps.reader.account(picked.id) : undefined;
    if (!account) {
      await ctx.answerCallbackQuery({ text: "That account no longer exists: nothing was done.", show_alert: true });
      return void (await ctx.editMessageReplyMarkup().catch(() => undefined));
    }
    await ctx.answerCallbackQuery({ text: `→ ${accountLabel(account)}` });
    // The question becomes the record of the answer; its buttons go with it.
    await ctx.editMessageText(`${esc(shown)} → ${esc(accountLabel(account))}`, { parse_mode: "HTML" }).catch(() => undefined);
    await run(ctx, account, choice.text, { chatId: choice.chatId, userId: choice.userId, messageId: choice.messageId });
  });
  return composer;
}

/** "🔴 live (LIVE, phase micro)": name, money and phase, what an operator picks by. */
export function choiceLabel(a: Pick<AccountSummary, "name" | "mode" | "phase">): string {
  return `${a.mode === "live" ? "🔴 " : "📄 "}${a.name} (${a.mode === "live" ? "LIVE" : "paper"}, phase ${a.phase})`.slice(0, 60);
}

function staleDefault(account: AccountSummary | null): string {
  return account ? `ℹ️ Your default account, ${esc(accountLabel(account))}, cannot take this.` : "";
}
