import type { Notifier } from "../ports/notifier.js";
import type { SignalStore } from "../ports/signal-store.js";

/**
 * Pushes new signals at or above the confidence threshold to the traders, then marks them sent.
 * Pushed first, marked after: a crash between the two repeats a push rather than losing one.
 */
export async function pushSignalAlerts(deps: { signals: Pick<SignalStore, "pendingAlerts" | "markAlertSent">; notifier: Notifier; now: () => Date }, minConfidence: string): Promise<{ pushed: number }> {
  const pending = await deps.signals.pendingAlerts(minConfidence, 50);
  for (const s of pending) {
    await deps.notifier.notify({
      kind: "signal",
      accountId: "",
      accountName: s.source,
      title: `${s.signal} ${s.ticker} · confidence ${s.confidence.toFixed(2)}`,
      lines: [`from ${s.source}${s.price ? ` at ${s.price.toFixed(2)}` : ""}`, ...(s.rationale ? [s.rationale.split("\n").slice(-1)[0]!.slice(0, 300)] : [])],
      at: deps.now(),
    });
  }
  return { pushed: await deps.signals.markAlertSent(pending.map((s) => s.id)) };
}
