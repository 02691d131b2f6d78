import type { AccountMode } from "../../../domain/vocabulary.js";
import { esc } from "./html.js";

/**
 * How every message names an account (issue 14): real money is unmistakable. "🔴 LIVE · live"
 * or "📄 paper · shadow"; plain text (escape it, or use accountTag for HTML).
 */
export function accountLabel(account: { name: string; mode: AccountMode }): string {
  return account.mode === "live" ? `🔴 LIVE · ${account.name}` : `📄 paper · ${account.name}`;
}

/** accountLabel as escaped HTML. */
export function accountTag(account: { name: string; mode: AccountMode }): string {
  return esc(accountLabel(account));
}

/** The reply to a name that matches no account (HTML), listing the accounts there are; the caller adds what was (not) done. */
export function noSuchAccount(token: string, names: readonly string[]): string {
  return `❌ No account is called “${esc(token)}”. ${names.length ? `Accounts: ${names.map(esc).join(", ")}.` : "There is no account yet."}`;
}
