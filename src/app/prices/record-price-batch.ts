import type { PriceBar } from "../../domain/prices.js";
import { checkTriggers, type CheckResult } from "../kill-switch/check-triggers.js";
import type { KillSwitchDeps } from "../kill-switch/deps.js";
import type { PriceStore } from "../ports/price-store.js";

export interface PriceBatchResult {
  inserted: number;
  updated: number;
  /** One check per account holding a ticker of the batch. */
  checks: CheckResult[];
  failures: { accountId: string; error: string }[];
}

/**
 * Stores a batch of prices, then re-evaluates the kill switch of every account the batch can
 * move, at once: a crash that breaches the daily loss halts trading on the tick that shows it,
 * not on the next scheduled check.
 */
export async function recordPriceBatch(deps: { prices: PriceStore; killSwitch: KillSwitchDeps }, bars: readonly PriceBar[]): Promise<PriceBatchResult> {
  const { inserted, existing } = await deps.prices.upsert(bars, "update");
  const accounts = await deps.killSwitch.store.accountIdsHolding(bars.map((b) => b.ticker));
  const settled = await Promise.allSettled(accounts.map((accountId) => checkTriggers(deps.killSwitch, accountId, "price-batch")));
  const checks: CheckResult[] = [];
  const failures: { accountId: string; error: string }[] = [];
  settled.forEach((outcome, i) => {
    if (outcome.status === "fulfilled") checks.push(outcome.value);
    else failures.push({ accountId: accounts[i]!, error: outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason) });
  });
  return { inserted, updated: existing, checks, failures };
}
