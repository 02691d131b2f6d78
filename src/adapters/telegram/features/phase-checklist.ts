import { runBrokerCheck, type BrokerCheckResult } from "../../../app/accounts/broker-check.js";
import { gatherChecklist, sendTestAlerts, type AlertTestResult } from "../../../app/accounts/live-prep.js";
import type { AccountSummary } from "../../../app/ports/desk-reader.js";
import type { Checklist } from "../../../domain/live-prep-checklist.js";
import { TICKER_PATTERN } from "../../../domain/vocabulary.js";
import { actorOf, type BotContext, type BotDeps } from "../context.js";
import { accountLabel } from "../render/account.js";
import { bold, esc, italic } from "../render/html.js";
import { replyHtml } from "../reply.js";

/**
 * The live-prep checklist in /phase (each item with its evidence, or what to do), and the two
 * admin commands that put evidence on record: `/phase check` (the read-only broker check) and
 * `/phase alerts` (a test alert to every admin, each delivery recorded).
 */

function renderChecklist(checklist: Checklist): string {
  const done = checklist.items.filter((i) => i.passed).length;
  const lines = [bold(`Live-prep checklist: ${done}/${checklist.items.length}${checklist.passed ? " ✅ ready for /phase promote" : ""}`)];
  for (const i of checklist.items) {
    lines.push(`${i.passed ? "✅" : "❌"} ${bold(i.label)}: ${esc(i.evidence)}`);
    if (!i.passed && i.missing) lines.push(`   → ${esc(i.missing)}`);
  }
  return lines.join("\n");
}

/** The checklist block of an account in live-prep; "" for other phases or where going live is not wired. */
export async function checklistBlock(deps: BotDeps, account: Pick<AccountSummary, "id" | "phase">): Promise<string> {
  const live = deps.phases.live;
  if (!live || account.phase !== "live-prep") return "";
  const gathered = await gatherChecklist(live, account.id);
  return gathered ? renderChecklist(gathered.checklist) : "";
}

/** The tracking-error gate of a live account in micro (what it needs to leave micro); "" otherwise. */
export async function trackingBlock(deps: BotDeps, account: Pick<AccountSummary, "id" | "phase" | "mode">): Promise<string> {
  const live = deps.phases.live;
  if (!live || account.mode !== "live" || account.phase !== "micro") return "";
  const gate = await live.trackingGate(account.id);
  return gate.passed ? bold("Tracking-error gate: PASSED ✅") : [bold("Tracking-error gate: not yet"), ...gate.failures.map((f) => `❌ ${esc(f)}`)].join("\n");
}

/** `/phase check [TICKER]` (admins). */
export async function phaseCheck(ctx: BotContext, deps: BotDeps, args: string): Promise<void> {
  const live = deps.phases.live;
  if (!live) return void (await ctx.reply("Going live is not configured in this process."));
  if (!live.broker) return void (await ctx.reply("The live broker is not configured in this process (KIS_APP_KEY, KIS_APP_SECRET, KIS_ACCOUNT_NO and Redis): nothing was checked."));
  const ticker = (args.trim() || "NKE").toUpperCase();
  if (!TICKER_PATTERN.test(ticker)) return void (await ctx.reply(`“${ticker}” is not a ticker. /phase check [TICKER]`));
  await ctx.reply(`Checking ${live.broker.label} (read-only: nothing is ordered)…`);
  const result = await runBrokerCheck({ probe: live.broker, clock: live.clock, desk: { store: live.store, reader: live.reader } }, { actor: actorOf(ctx), ticker });
  await deps.audit.record({ actor: actorOf(ctx), action: "tg.phase.check", details: { passed: result.passed, reconciled: result.reconciliation?.passed ?? null } });
  await replyHtml(ctx, renderCheck(live.broker.label, result));
}

export function renderCheck(label: string, r: BrokerCheckResult): string {
  const lines = [bold(`Broker check ${label}: ${r.passed ? "passed ✅" : "FAILED ❌"}`)];
  for (const s of r.steps) lines.push(`${s.ok ? "✓" : "✗"} ${esc(s.name)}: ${esc(s.text)}`);
  if (r.reconciliation) lines.push(`${r.reconciliation.passed ? "✓" : "✗"} reconciled: ${esc(r.reconciliation.summary)}`);
  if (r.recorded) lines.push(italic("Recorded as live-prep evidence: /phase shows the checklist."));
  return lines.join("\n");
}

/** `/phase alerts` (admins): the test alert goes on behalf of the account in live-prep (else the first one). */
export async function phaseAlerts(ctx: BotContext, deps: BotDeps): Promise<void> {
  const live = deps.phases.live;
  if (!live?.alerts) return void (await ctx.reply("Alerts cannot be tested here: no chat transport is configured in this process."));
  const accounts = await deps.reader.accounts();
  const account = accounts.find((a) => a.phase === "live-prep") ?? accounts[0];
  if (!account) return void (await ctx.reply("No account yet."));
  const results = await sendTestAlerts({ ...live, alerts: live.alerts }, { actor: actorOf(ctx), accountId: account.id, accountName: account.name });
  await deps.audit.record({ actor: actorOf(ctx), action: "tg.phase.alerts", accountId: account.id, details: { delivered: results.filter((r) => r.delivered).length, failed: results.filter((r) => !r.delivered).length } });
  await replyHtml(ctx, renderAlertTest(results, account));
}

function renderAlertTest(results: AlertTestResult[], account: AccountSummary): string {
  if (results.length === 0) return "❌ No admin is configured (ADMIN_IDS): nobody to alert.";
  const ok = results.every((r) => r.delivered);
  return [
    bold(`Test alert (${accountLabel(account)}): ${ok ? "delivered to every admin ✅" : "NOT delivered to every admin ❌"}`),
    ...results.map((r) => (r.delivered ? `✓ ${esc(r.admin)}` : `✗ ${esc(r.admin)}: ${esc(r.error)} (they must start a chat with the bot)`)),
    italic("Recorded as live-prep evidence."),
  ].join("\n");
}
