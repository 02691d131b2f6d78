import type { KillSwitchDeps } from "../kill-switch/deps.js";
import type { OnceLedger } from "../ports/once-ledger.js";

/**
 * A warning before the stale_data trigger halts: during market hours, a held ticker whose newest
 * price is older than `warnFraction` of the trigger's limit is pushed to the traders, once per
 * account, ticker and trading day. It decides nothing: the trigger itself still halts at the limit.
 */
export async function warnStaleData(deps: { killSwitch: KillSwitchDeps; once: OnceLedger }, warnFraction = 0.5): Promise<{ warned: string[] }> {
  const ks = deps.killSwitch;
  const now = ks.clock.now();
  if (!ks.calendar.isMarketOpen(now)) return { warned: [] };
  const tradingDay = ks.calendar.tradingDayOf(now);
  const limit = ks.thresholds.staleDataSeconds;
  const warned: string[] = [];
  for (const accountId of await ks.store.accountIds()) {
    const loaded = await ks.snapshots.load({ accountId, tradingDay, marketOpen: true, now });
    if (!loaded) continue;
    for (const p of loaded.snapshot.positions) {
      const age = p.priceTime ? Math.floor((now.getTime() - p.priceTime.getTime()) / 1000) : null;
      if (age !== null && age <= limit * warnFraction) continue;
      if (!(await deps.once.first(`stale:${accountId}:${p.ticker}:${tradingDay}`))) continue;
      warned.push(`${loaded.accountName}:${p.ticker}`);
      await ks.notifier.notify({
        kind: "stale_data",
        accountId,
        accountName: loaded.accountName,
        accountMode: loaded.mode,
        title: `Stale price: ${p.ticker}`,
        lines: [age === null ? `${p.ticker} has no price at all` : `newest ${p.ticker} price is ${age} s old`, `trading halts (stale_data) past ${limit} s`],
        at: now,
      });
    }
  }
  return { warned };
}
