import { Gauge, type Registry } from "prom-client";
import type { FeedStore } from "../../app/ports/feed-store.js";
import { feedHealth } from "../../domain/feed-health.js";

/** The market-data feeds seen from /metrics, read from market_feeds at scrape time (any process serves them). */
export interface FeedMetrics {
  feedUp: Gauge<"feed">;
  feedLastTradeAge: Gauge<"feed">;
  feedTicks: Gauge<"feed">;
  feedRefused: Gauge<"feed">;
}

export function createFeedMetrics(registers: Registry[]): FeedMetrics {
  return {
    feedUp: new Gauge({ name: "war_room_feed_up", help: "1 when the market-data feed delivers (connected, reporting), 0 when it is down", labelNames: ["feed"], registers }),
    feedLastTradeAge: new Gauge({ name: "war_room_feed_last_trade_age_seconds", help: "Seconds since the exchange time of the newest trade the feed stored", labelNames: ["feed"], registers }),
    feedTicks: new Gauge({ name: "war_room_feed_ticks", help: "Trades the feed has delivered since its process started", labelNames: ["feed"], registers }),
    feedRefused: new Gauge({ name: "war_room_feed_refused_tickers", help: "Followed tickers the provider would not stream", labelNames: ["feed"], registers }),
  };
}

/** Replaces the feed gauges with the reports' values; all reports are read before a gauge is touched. */
export async function refreshFeedGauges(metrics: FeedMetrics, feeds: FeedStore | undefined, now: Date): Promise<void> {
  const reports = feeds ? await feeds.all() : [];
  for (const gauge of [metrics.feedUp, metrics.feedLastTradeAge, metrics.feedTicks, metrics.feedRefused]) gauge.reset();
  for (const r of reports) {
    const labels = { feed: r.name };
    metrics.feedUp.set(labels, feedHealth(r, now).up ? 1 : 0);
    if (r.lastTickAt) metrics.feedLastTradeAge.set(labels, Math.max(0, (now.getTime() - r.lastTickAt.getTime()) / 1000));
    metrics.feedTicks.set(labels, r.ticks);
    metrics.feedRefused.set(labels, Object.keys(r.refused).length);
  }
}
