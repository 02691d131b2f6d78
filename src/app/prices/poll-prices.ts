import type { MarketCalendar } from "../../domain/market-calendar.js";
import type { PriceBar } from "../../domain/prices.js";
import type { Clock } from "../ports/clock.js";
import type { FeedStatusSink, MarketDataProvider } from "../ports/market-data.js";
import type { CheckedBatch, TickPipeline } from "./tick-pipeline.js";

export interface PollDeps {
  provider: MarketDataProvider;
  /** The same pipeline the streaming feed pushes into: polled prices are stored and acted on alike. */
  pipeline: TickPipeline;
  calendar: MarketCalendar;
  clock: Clock;
  /** Told when a poll fails or succeeds, for a provider that only polls (KIS paper): its feed state. */
  status?: Pick<FeedStatusSink, "live" | "down">;
}

/**
 * One price poll: the provider's newest bars go through the tick pipeline (stored, every account
 * holding one of their tickers re-evaluated by the kill switch, stops checked, resting paper
 * limits filled), and the poll waits until they have been through it.
 */
export async function pollPrices(deps: PollDeps): Promise<{ skipped?: string; bars?: number; halted?: string[]; filled?: number }> {
  const now = deps.clock.now();
  if (!deps.provider.alwaysOpen && !deps.calendar.isMarketOpen(now)) return { skipped: "market closed" };
  const batches: CheckedBatch[] = [];
  const unsubscribe = deps.pipeline.observe((event) => event.kind === "checked" && batches.push(event));
  // A poll reports the last price, not a trade: no volume is added to the minute's bar.
  const pushed = new Set<PriceBar>();
  const push = (bar: PriceBar) => {
    pushed.add(bar);
    deps.pipeline.push({ ticker: bar.ticker, price: bar.close, size: 0n, time: bar.time, source: bar.source });
  };
  let bars: PriceBar[];
  try {
    try {
      bars = await deps.provider.poll(now, push);
    } catch (error) {
      deps.status?.down(`${deps.provider.name} quotes failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
    deps.status?.live(`${deps.provider.name} quotes`);
    for (const bar of bars) if (!pushed.has(bar)) push(bar);
    await deps.pipeline.drained();
  } finally {
    unsubscribe();
  }
  if (bars.length === 0) return { bars: 0 };
  return { bars: bars.length, halted: [...new Set(batches.flatMap((b) => b.halted))], filled: batches.reduce((n, b) => n + b.restingFills, 0) };
}
