import { Composer } from "grammy";
import type { AccountSummary } from "../../../app/ports/desk-reader.js";
import type { Dec } from "../../../domain/decimal.js";
import type { Trigger } from "../../../domain/vocabulary.js";
import type { BotContext, BotDeps } from "../context.js";
import { accountHeader, money } from "../render/order.js";
import { bold, code, esc } from "../render/html.js";
import { etDateTime } from "../render/time.js";
import { replyHtml } from "../reply.js";
import { accountEquity } from "../../../app/views/monitor-view.js";

/**
 * /accounts: every account an operator can address, with what decides where an order may go
 * (mode, broker, phase, equity, kill switch) and which one is the caller's default. Read-only:
 * viewers may look.
 */
export function accountsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("accounts", async (ctx) => {
    const [accounts, defaultId] = await Promise.all([deps.reader.accounts(), deps.operators.defaultAccount(ctx.from!.id)]);
    if (accounts.length === 0) return void (await ctx.reply("No account yet."));
    const rows = await Promise.all(accounts.map((a) => accountRow(deps, a)));
    const mine = accounts.find((a) => a.id === defaultId);
    const footer = mine
      ? `⭐ Your default: ${bold(mine.name)}. Name another with @NAME in a command; /use NAME changes the default, /use none clears it.`
      : "No default: a trading command asks when more than one account could be meant. /use NAME sets one; @NAME in a command names it.";
    await replyHtml(ctx, [...rows.map((r, i) => renderRow(accounts[i]!, r, accounts[i]!.id === defaultId)), footer].join("\n\n"));
  });
  return composer;
}

interface AccountRow {
  equity: Dec | null;
  killSwitch: { state: string; trigger: Trigger | null; reason: string; since: Date | null };
}

/** One account's figures; what cannot be read shows as unknown rather than failing the list. */
async function accountRow(deps: BotDeps, account: AccountSummary): Promise<AccountRow> {
  const [equity, status] = await Promise.all([accountEquity(deps, account).catch(() => null), deps.killSwitch.store.status(account.id).catch(() => undefined)]);
  return {
    equity,
    killSwitch: status ? { state: status.state, trigger: status.trigger, reason: status.reason, since: status.changedAt } : { state: "UNKNOWN", trigger: null, reason: "could not be read", since: null },
  };
}

function renderRow(a: AccountSummary, r: AccountRow, isDefault: boolean): string {
  const ks = r.killSwitch;
  const icon = ks.state === "ACTIVE" ? "🟢" : ks.state === "HALTED" ? "🚨" : "❓";
  const lines = [
    `${accountHeader(a)}${isDefault ? " ⭐ your default" : ""}`,
    `mode ${esc(a.mode)} · broker ${esc(a.broker)}${a.brokerAccount ? ` ${code(a.brokerAccount)}` : ""} · phase ${esc(a.phase)} · id ${code(a.id.slice(0, 8))}`,
    `equity ${r.equity ? money(r.equity) : "unknown"} · kill switch ${icon} ${bold(ks.state)}${ks.since ? ` since ${esc(etDateTime(ks.since))}` : ""}`,
  ];
  if (ks.state !== "ACTIVE") lines.push(`why: ${esc(ks.reason)}${ks.trigger ? ` (${code(ks.trigger)})` : ""}`);
  return lines.join("\n");
}
