import type { KillSwitchDeps } from "../kill-switch/deps.js";
import { afterPriceBatch } from "../orders/match-resting-orders.js";
import type { ExecutionDeps } from "../orders/execute-order.js";
import type { MarketDataProvider } from "../ports/market-data.js";
import type { PriceStore } from "../ports/price-store.js";
import { recordPriceBatch } from "./record-price-batch.js";

export interface PollDeps {
  provider: MarketDataProvider;
  prices: PriceStore;
  killSwitch: KillSwitchDeps;
  execution: ExecutionDeps;
}

/**
 * One price poll: the provider's newest bars are stored, every account holding one of their
 * tickers is re-evaluated by the kill switch (a crash halts on the tick that shows it), and
 * resting paper limit orders that the new prices reach are filled.
 */
export async function pollPrices(deps: PollDeps): Promise<{ skipped?: string; bars?: number; halted?: string[]; filled?: number }> {
  const now = deps.killSwitch.clock.now();
  if (!deps.provider.alwaysOpen && !deps.killSwitch.calendar.isMarketOpen(now)) return { skipped: "market closed" };
  const bars = await deps.provider.poll(now);
  if (bars.length === 0) return { bars: 0 };
  const batch = await recordPriceBatch({ prices: deps.prices, killSwitch: deps.killSwitch }, bars);
  const resting = await afterPriceBatch(deps.execution, bars);
  return { bars: bars.length, halted: batch.checks.filter((c) => c.halted).map((c) => c.accountName), filled: resting.filled.length };
}
