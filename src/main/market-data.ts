import { join } from "node:path";
import { MarketFeedRepository } from "../adapters/db/repositories/market-feed-repository.js";
import { PriceRepository } from "../adapters/db/repositories/price-repository.js";
import { StopLossRepository } from "../adapters/db/repositories/stop-loss-repository.js";
import { pgPool, warmPool } from "../adapters/db/pool.js";
import { SessionLease } from "../adapters/db/session-lease.js";
import { loadReplaySeries, ReplayMarketData } from "../adapters/market-data/replay-provider.js";
import { ReplayHistory } from "../adapters/market-data/replay-history.js";
import type { FeedStore } from "../app/ports/feed-store.js";
import type { MarketDataProvider, PriceHistory, StreamingMarketData } from "../app/ports/market-data.js";
import { FeedMonitor } from "../app/prices/feed-monitor.js";
import { TickPipeline } from "../app/prices/tick-pipeline.js";
import { PACKAGE_ROOT } from "../paths.js";
import { liveProvider } from "./market-data-providers.js";
import type { Runtime } from "./runtime.js";
import type { DeskServices } from "./desk.js";

/**
 * `{ feeds }` for what reads the feeds' reports (the watchdog, /readyz, /metrics, /status) when a
 * live provider reports to market_feeds; `{}` for the replay and "none", which have no connection to lose.
 */
export function withFeeds(runtime: Pick<Runtime, "config" | "dataSource">): { feeds?: FeedStore } {
  return isLiveProvider(runtime.config.marketData.provider) ? { feeds: new MarketFeedRepository(runtime.dataSource) } : {};
}

/** KIS and Alpaca: a live feed, held by one process at a time; the replay and "none" are not. */
function isLiveProvider(provider: Runtime["config"]["marketData"]["provider"]): boolean {
  return provider === "kis" || provider === "alpaca";
}

/** The shipped demo prices, found from the project's root rather than the working directory (the same from src/ and dist/). */
export const DEMO_PRICES = join(PACKAGE_ROOT, "demo", "prices");

/** How often a standing-by process asks for the market-feed lease. */
const LEASE_EVERY_MS = 30_000;

/** How often the followed tickers (held, working orders, watchlist) are read again for the stream. */
const FOLLOW_EVERY_MS = 30_000;

/** Nothing to poll: prices arrive by import only. */
const noMarketData: MarketDataProvider = { name: "none", alwaysOpen: false, poll: () => Promise.resolve([]) };

/** What a process that runs the jobs gets: one pipeline every price goes through, and where prices come from. */
export interface MarketFeed {
  pipeline: TickPipeline;
  /** Polled by the price-poll job (the replay, KIS quotes), or nothing. */
  poller: MarketDataProvider;
  /**
   * Where a poll's outcome is reported: the feed's monitor, in the process that holds the feed,
   * when the provider only polls (KIS paper). A streaming feed's state is its connection's: a
   * poll that finds nothing to do must not call a dropped stream live again.
   */
  readonly pollStatus?: FeedMonitor | undefined;
  /** Daily bars for the backfill; absent when the provider has no history. */
  history?: PriceHistory;
  /** The tickers followed besides held ones and working orders: WATCHLIST, and in local mode the replayed tickers. */
  watchlist: string[];
  close(): Promise<void>;
}

/** The pieces of a provider, before they are started. */
export interface ProviderParts {
  /** The feed's name in market_feeds, /status and alerts, e.g. "alpaca:iex". */
  name: string;
  poller?: MarketDataProvider;
  stream?: StreamingMarketData;
  history?: PriceHistory;
}

export async function startMarketFeed(runtime: Runtime, services: DeskServices): Promise<MarketFeed> {
  const { marketData, news } = runtime.config;
  // A live feed's ticks are stored on a connection of their own (opened by the process that
  // holds the feed): a batch never waits for the shared pool to open a connection when a burst
  // of checks has taken the ones it had (PriceRepository.recordTicks).
  const prices = new PriceRepository(runtime.dataSource, { ownTickConnection: isLiveProvider(marketData.provider) });
  const pipeline = new TickPipeline({
    prices,
    execution: { ...services.execution, positions: new StopLossRepository(runtime.dataSource) },
    log: runtime.log,
    alwaysOpen: marketData.provider === "replay",
  });
  if (marketData.provider === "none") {
    runtime.log.warn("no market data (MARKET_DATA=none, or no provider keys with DATABASE_URL set): prices arrive only by `npm run import:prices`; held positions will halt on stale_data in market hours. See README, Market data.");
    return { pipeline, poller: noMarketData, watchlist: news.watchlist, close: () => pipeline.stop() };
  }
  if (marketData.provider === "replay") {
    const series = await loadReplaySeries(DEMO_PRICES, marketData.replayTickers, runtime.config.risk.marketTimezone);
    const poller = new ReplayMarketData(series, { start: marketData.replayStart, secondsPerDay: marketData.replaySecondsPerDay, startedAt: new Date() });
    runtime.log.info({ tickers: marketData.replayTickers, from: marketData.replayStart, secondsPerDay: marketData.replaySecondsPerDay }, "replaying demo prices (MARKET_DATA=replay)");
    // The days before REPLAY_START, re-dated onto the days before today: the trend agent has its averages at once.
    const history = new ReplayHistory(series, { start: marketData.replayStart, calendar: services.killSwitch.calendar, timeZone: runtime.config.risk.marketTimezone });
    return { pipeline, poller, history, watchlist: [...new Set([...news.watchlist, ...marketData.replayTickers])], close: () => pipeline.stop() };
  }

  const followed = () => prices.followedTickers(news.watchlist);
  const parts = liveProvider(runtime, followed);
  // One process streams and reports the feed; another worker stands by and takes over within
  // a lease interval when that one dies (its PostgreSQL session, and so the lease, ends with it).
  let live: LiveFeed | undefined;
  let closed = false;
  const lease = new SessionLease(pgPool(runtime.dataSource), "war-room:market-feed", () => {
    // Our PostgreSQL session died: another worker may stream now. Stop, and ask for the lease again.
    runtime.log.warn({ feed: parts.name }, "lost the market-feed lease; stopping this process's stream");
    const lost = live;
    live = undefined;
    void lost?.close();
  });
  const lead = async () => {
    if (live || closed || !(await lease.tryAcquire().catch(() => false))) return;
    live = await startLiveFeed(runtime, services, parts, pipeline, followed, prices);
    if (closed) await live.close();
  };
  await lead();
  if (!live) runtime.log.info({ feed: parts.name }, "another process streams the market data; this one stands by");
  const leaseTimer = setInterval(() => void lead(), LEASE_EVERY_MS);
  leaseTimer.unref();
  return {
    pipeline,
    poller: parts.poller ?? noMarketData,
    get pollStatus() {
      return parts.poller && !parts.stream ? live?.monitor : undefined;
    },
    ...(parts.history ? { history: parts.history } : {}),
    watchlist: news.watchlist,
    async close() {
      closed = true;
      clearInterval(leaseTimer);
      await live?.close();
      await pipeline.stop();
      await prices.close();
      await lease.release();
    },
  };
}

interface LiveFeed {
  monitor: FeedMonitor;
  close(): Promise<void>;
}

/** The lease holder's part: the feed's monitor (its reports), the stream and the tickers it follows. */
async function startLiveFeed(runtime: Runtime, services: DeskServices, parts: ProviderParts, pipeline: TickPipeline, followed: () => Promise<readonly string[]>, prices: PriceRepository): Promise<LiveFeed> {
  const store = new MarketFeedRepository(runtime.dataSource);
  // Connected and its statement prepared before the first trade; a failure here is only logged:
  // the first batch connects again, and one that cannot is retried by the pipeline.
  await prices.openTickConnection().catch((error: unknown) => runtime.log.warn({ err: String(error) }, "could not open the tick store's connection yet"));
  // The checks a burst of ticks sets off (four workers, the urgent lane, holders, stops) find
  // their connections open: none waits for one to connect when the market opens.
  await warmPool(runtime.dataSource).catch((error: unknown) => runtime.log.warn({ err: String(error) }, "could not open the pool's connections ahead of the feed"));
  // The lease holder speaks for the desk's one feed: a provider or environment it no longer uses is forgotten.
  await store.retireAllBut(parts.name).catch((error: unknown) => runtime.log.warn({ err: String(error) }, "could not forget the reports of feeds no longer used"));
  const monitor = new FeedMonitor({ store, clock: services.killSwitch.clock, log: runtime.log }, parts.name);
  monitor.start();
  const unobserve = pipeline.observe((batch) => monitor.observe(batch));
  let followTimer: NodeJS.Timeout | undefined;
  if (parts.stream) {
    const stream = parts.stream;
    const follow = async () => {
      try {
        const tickers = await followed();
        monitor.following(tickers);
        stream.follow(tickers);
      } catch (error) {
        runtime.log.warn({ err: error instanceof Error ? error.message : String(error) }, "could not read the tickers to follow; keeping the current ones");
      }
    };
    await follow();
    await stream.start(pipeline, monitor);
    followTimer = setInterval(() => void follow(), FOLLOW_EVERY_MS);
    followTimer.unref();
  } else {
    // Polling only: nothing to connect; each poll says live or down.
    monitor.following(await followed().catch(() => []));
  }
  runtime.log.info({ feed: parts.name, streaming: !!parts.stream, polling: !!parts.poller, history: !!parts.history }, "live market data");
  return {
    monitor,
    async close() {
      clearInterval(followTimer);
      await parts.stream?.stop().catch(() => undefined);
      unobserve();
      await monitor.stop();
    },
  };
}
