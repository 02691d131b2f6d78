import { Dec } from "../../domain/decimal.js";
import type { AccountStore } from "../ports/account-store.js";

export const SHADOW_ACCOUNT_NAME = "shadow";
export const SHADOW_ARMED_REASON = "new shadow account: paper trading is armed";

export type EnsureShadowResult = { created: true; accountId: string; name: string; startingCapital: Dec } | { created: false };

/**
 * A new installation (no account at all) gets exactly one account to trade on: "shadow", paper
 * money, phase shadow, its cash the configured starting capital, and its kill switch ACTIVE
 * (paper trading is armed; a live account starts HALTED). Safe to call on every start, also
 * from several processes at once: only the first call on an empty database creates anything.
 */
export async function ensureShadowAccount(deps: { accounts: Pick<AccountStore, "createFirstShadowAccount"> }, options: { startingCapital: string | Dec }): Promise<EnsureShadowResult> {
  const startingCapital = new Dec(options.startingCapital);
  if (!startingCapital.isFinite() || startingCapital.isNegative()) throw new Error(`the shadow starting capital must be an amount of at least 0, got ${String(options.startingCapital)}`);
  const accountId = await deps.accounts.createFirstShadowAccount({
    name: SHADOW_ACCOUNT_NAME,
    startingCapital,
    armedReason: SHADOW_ARMED_REASON,
    actor: "system:seed",
  });
  return accountId ? { created: true, accountId, name: SHADOW_ACCOUNT_NAME, startingCapital } : { created: false };
}
