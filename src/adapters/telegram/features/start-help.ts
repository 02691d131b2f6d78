import { Composer } from "grammy";
import { hasRole } from "../../../domain/roles.js";
import type { Role } from "../../../domain/vocabulary.js";
import type { BotContext } from "../context.js";
import { bold, esc } from "../render/html.js";

/** Every command with the least role that may use it; /help shows each operator what they may do. */
export const COMMANDS: readonly { command: string; description: string; role: Role }[] = [
  { command: "status", description: "Kill switch, triggers, positions and approvals per account", role: "viewer" },
  { command: "monitor", description: "Capital, positions with stops, P&L and metrics", role: "viewer" },
  { command: "report", description: "The daily report, now", role: "viewer" },
  { command: "phase", description: "Phase, day N, the promotion gate and the live-prep checklist; admins: /phase promote|demote [@account], /phase check, /phase alerts", role: "viewer" },
  { command: "approvals", description: "Pending proposals with Approve / Deny", role: "viewer" },
  { command: "compare", description: "Live against shadow: fills, slippage, one-sided orders, P&L, the tracking gate: /compare [TICKER] [DAYS]", role: "viewer" },
  { command: "accounts", description: "Every account: mode, broker, phase, equity, kill switch; your default", role: "viewer" },
  { command: "use", description: "Your default account: /use NAME, /use none; @NAME in a command names one", role: "viewer" },
  { command: "halt", description: "Halt trading on every account: /halt [reason]", role: "viewer" },
  { command: "execute", description: "Propose an order: /execute BUY NKE 10 [limit] [stop] [@account]; --mirror proposes it on every account that trades", role: "trader" },
  { command: "warroom", description: "Run the War Room on a ticker; its decision is proposed on every account that trades: /warroom NVDA", role: "trader" },
  { command: "close", description: "Propose closing a position: /close NKE [qty] [@account]", role: "trader" },
  { command: "resume", description: "Resume a halted account (admins, with the override code): /resume [@account]", role: "admin" },
  { command: "cancel", description: "Leave a running dialogue", role: "viewer" },
  { command: "help", description: "What each command does", role: "viewer" },
];

export function startHelpFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command(["start", "help"], async (ctx) => {
    const role = ctx.operator.role;
    const lines = COMMANDS.filter((c) => hasRole(role, c.role)).map((c) => `/${c.command} — ${esc(c.description)}`);
    await ctx.reply([`${bold("War Room")} — you are ${esc(role)} (id ${ctx.operator.userId}).`, "", ...lines].join("\n"), { parse_mode: "HTML" });
  });
  return composer;
}
