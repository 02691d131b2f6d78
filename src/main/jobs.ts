import { pollPrices } from "../app/prices/poll-prices.js";
import { approvalExpiryJob } from "../../jobs/approval-expiry.js";
import { recoverInterruptedWork } from "../app/approvals/recover-interrupted.js";
import { closingEquityMarkJob, intradayEquityMarkJob } from "../../jobs/equity-marks.js";
import { assertJobRegistry, type JobDefinition } from "../../jobs/registry.js";
import { stopLossScanJob } from "../../jobs/stop-loss-scan.js";
import { triggerCheckJob } from "../../jobs/trigger-check.js";
import { booksReconcileJob } from "../../jobs/books-reconcile.js";
import { BooksLedgerRepository } from "../adapters/db/repositories/books-ledger-repository.js";
import { InterruptedWorkRepository } from "../adapters/db/repositories/interrupted-work-repository.js";
import { DeskHealthRepository } from "../adapters/db/repositories/desk-health-repository.js";
import { EquityMarkRepository } from "../adapters/db/repositories/equity-mark-repository.js";
import { StopLossRepository } from "../adapters/db/repositories/stop-loss-repository.js";
import { observeJobs } from "../adapters/http/metrics.js";
import { startJobRunner, type JobRunner } from "../adapters/queue/job-runner.js";
import type { ProposalBoard } from "../app/ports/proposal-board.js";
import type { ReportPublisher } from "../app/ports/report-publisher.js";
import { dailyReportJob } from "../../jobs/daily-report.js";
import { weeklyReportJob } from "../../jobs/weekly-report.js";
import { staleDataWarningJob } from "../../jobs/stale-data-warning.js";
import { pricePollJob } from "../../jobs/price-poll.js";
import { signalAlertsJob, voteScoringJob, warroomScanJob } from "../../jobs/warroom.js";
import { buildWarRoomDeps } from "./warroom.js";
import { trackingTargets } from "./going-live.js";
import { WarRoomRepository } from "../adapters/db/repositories/warroom-repository.js";
import { MirrorRepository } from "../adapters/db/repositories/mirror-repository.js";
import { newsIngestJob } from "../../jobs/news-ingest.js";
import { brokerFillsJob, brokerReconcileJob, commissionConfirmJob, orderReconcileJob } from "../../jobs/broker.js";
import { CommissionRepository } from "../adapters/db/repositories/commission-repository.js";
import { createFeedFetcher } from "../adapters/news/fetch-feed.js";
import { NewsRepository } from "../adapters/db/repositories/news-repository.js";
import { parseWatchlist } from "../domain/news-tagging.js";
import { SignalRepository } from "../adapters/db/repositories/signal-repository.js";
import { startMarketFeed, type MarketFeed } from "./market-data.js";
import { PriceRepository } from "../adapters/db/repositories/price-repository.js";
import { backfillHistory, type BackfillDeps, type BackfillOptions } from "../app/prices/backfill-history.js";
import { historyBackfillJob } from "../../jobs/history-backfill.js";
import { RedisOnceLedger } from "../adapters/redis/once-ledger.js";
import { RiskHistoryRepository } from "../adapters/db/repositories/risk-history-repository.js";
import { DeskReaderRepository } from "../adapters/db/repositories/desk-reader-repository.js";
import { TradeLogRepository } from "../adapters/db/repositories/trade-log-repository.js";
import { LoggingReportPublisher } from "../adapters/notifier/logging-report-publisher.js";
import { Dec } from "../domain/decimal.js";
import type { Runtime } from "./runtime.js";
import { safetyJobs } from "./watchdog.js";
import type { Desk, DeskServices } from "./desk.js";

/** Where the jobs that talk to operators send: Telegram when this process can reach it, else the log. */
export interface JobChannels {
  board?: ProposalBoard;
  publisher?: ReportPublisher;
}

function equityMarkJobs(runtime: Runtime, services: DeskServices): JobDefinition[] {
  const deps = { marks: new EquityMarkRepository(runtime.dataSource), calendar: services.killSwitch.calendar, clock: services.killSwitch.clock };
  return [intradayEquityMarkJob(deps), closingEquityMarkJob(deps)];
}

/** A process without Telegram logs what it would have posted. */
function loggingBoard(runtime: Pick<Runtime, "log">): ProposalBoard {
  return {
    post: (p) => Promise.resolve(runtime.log.info({ proposal: p.id, ticker: p.ticker }, "proposal (no Telegram in this process)")),
    settle: () => Promise.resolve(),
    sweep: () => Promise.resolve(0),
  };
}

function warroomJobs(desk: Desk, board: ProposalBoard | undefined): JobDefinition[] {
  const { config, killSwitch } = desk;
  const deps = buildWarRoomDeps(desk, board ?? loggingBoard(desk));
  return [
    warroomScanJob({ ...deps, watchlist: config.news.watchlist }),
    voteScoringJob({ store: deps.store, calendar: killSwitch.calendar, clock: killSwitch.clock }),
    signalAlertsJob({ signals: new SignalRepository(desk.dataSource), notifier: killSwitch.notifier, now: () => killSwitch.clock.now() }, config.warroom.signalAlertConfidence),
  ];
}

/** Upserts the job schedulers and starts the BullMQ workers. */
export async function startJobs(runtime: Runtime, services: Desk, channels: JobChannels = {}): Promise<JobRunner> {
  const { board } = channels;
  if (!runtime.infrastructure.redisUrl || !runtime.redis) throw new Error("jobs need Redis");
  const redis = runtime.redis;
  const { schedules, marketData } = runtime.config;
  // Read-only repositories the jobs share; the reports go to Telegram, or to the log without it.
  const reader = new DeskReaderRepository(runtime.dataSource);
  const trades = new TradeLogRepository(runtime.dataSource);
  const publisher = channels.publisher ?? new LoggingReportPublisher(runtime.log);
  const feed = await startMarketFeed(runtime, services);
  const backfill = historyBackfill(runtime, services, feed);
  const polling = { provider: feed.poller, pipeline: feed.pipeline, calendar: services.killSwitch.calendar, clock: services.killSwitch.clock, status: { live: (detail: string) => feed.pollStatus?.live(detail), down: (reason: string) => feed.pollStatus?.down(reason) } };
  // The replay's clock starts again with the process: its first prices are stored before the
  // first trigger check reads them, so a desk stopped for a while is not halted (stale_data) on
  // the prices its last run left, which local mode, having no override code, could not resume.
  if (marketData.provider === "replay") await pollPrices(polling).catch((error: unknown) => runtime.log.warn({ err: String(error) }, "the replay's first prices could not be stored yet"));
  const definitions: JobDefinition[] = [
    triggerCheckJob(services.killSwitch, schedules.triggerCheckEverySeconds),
    stopLossScanJob({ ...services.execution, positions: new StopLossRepository(runtime.dataSource) }, schedules.stopLossScanEverySeconds),
    approvalExpiryJob({ ...services.approvals, ...(board ? { board } : {}), recovery: { store: new InterruptedWorkRepository(runtime.dataSource), log: runtime.log } }),
    booksReconcileJob({ ledger: new BooksLedgerRepository(runtime.dataSource), notifier: services.killSwitch.notifier, clock: services.killSwitch.clock, log: runtime.log }),
    ...equityMarkJobs(runtime, services),
    dailyReportJob({
      report: {
        reader,
        killSwitch: services.killSwitch,
        proposals: services.approvals.proposals,
        trades,
        nearStopPct: new Dec(runtime.config.risk.nearStopPct),
      },
      marks: new EquityMarkRepository(runtime.dataSource),
      publisher,
    }, schedules.dailyReportCron),
    pricePollJob(
      polling,
      // A replay moves a day every REPLAY_SECONDS_PER_DAY: poll at that pace so no day is skipped.
      marketData.provider === "replay" ? Math.min(schedules.pricePollEverySeconds, marketData.replaySecondsPerDay) : schedules.pricePollEverySeconds,
    ),
    ...warroomJobs(services, board),
    // history-backfill is optional (jobs/names.ts): only with a history provider, and not in replay,
    // whose history is fixed: once at start is enough (a daily run would re-date it again).
    ...(backfill && marketData.provider !== "replay" ? [historyBackfillJob(backfill.deps, backfill.options)] : []),
    brokerFillsJob(services.execution),
    commissionConfirmJob({ execution: services.execution, ledger: new CommissionRepository(runtime.dataSource) }),
    orderReconcileJob(services.execution),
    brokerReconcileJob({ execution: services.execution, reader }),
    newsIngestJob(
      {
        feeds: runtime.config.news.feeds,
        news: new NewsRepository(runtime.dataSource, runtime.cache),
        fetchFeed: createFeedFetcher({ watchlist: parseWatchlist([...runtime.config.news.watchlist, ...runtime.config.news.watchlistNames]), clock: services.killSwitch.clock }),
        log: runtime.log,
      },
      schedules.newsIngestCron,
      runtime.config.risk.marketTimezone,
    ),
    staleDataWarningJob({ killSwitch: services.killSwitch, once: new RedisOnceLedger(redis, "wr:once:") }),
    weeklyReportJob({
      report: {
        reader,
        trades,
        risk: new RiskHistoryRepository(runtime.dataSource),
        warroom: new WarRoomRepository(runtime.dataSource),
        tracking: { mirrors: new MirrorRepository(runtime.dataSource), targets: trackingTargets(runtime.config) },
        calendar: services.killSwitch.calendar,
        clock: services.killSwitch.clock,
      },
      publisher,
    }, schedules.weeklyReportCron),
  ];
  // jobs/names.ts lists every job and which are optional; start-up fails on a missing, doubled or unknown one.
  assertJobRegistry(definitions);
  if (backfill) backfillAtStart(runtime, backfill);
  const observe = observeJobs(services.metrics);
  const heartbeats = new DeskHealthRepository(runtime.dataSource);
  // Only the jobs the watchdog reads beat: the others would write a row per run for nobody.
  const watched = new Set(safetyJobs(runtime).map((j) => j.name));
  const runner = await startJobRunner({
    redisUrl: runtime.infrastructure.redisUrl,
    definitions,
    log: runtime.log,
    outage: runtime.redisOutage,
    onJobDone: (job, outcome, seconds) => {
      observe(job, outcome, seconds);
      // The watchdog reads these beats from PostgreSQL; a beat that cannot be written is the watchdog's to notice.
      if (outcome === "completed" && watched.has(job)) void heartbeats.recordJobCompleted(job, services.killSwitch.clock.now()).catch(() => undefined);
    },
  }).catch(async (error: unknown) => {
    await feed.close();
    throw error;
  });
  // The feed stops first: no tick arrives for a pipeline whose jobs are gone.
  return { queues: runner.queues, close: async () => (await feed.close(), await runner.close()) };
}

function historyBackfill(runtime: Runtime, services: DeskServices, feed: MarketFeed): { deps: BackfillDeps; options: BackfillOptions } | undefined {
  if (!feed.history) return undefined;
  const { calendar, clock } = services.killSwitch;
  return {
    deps: { history: feed.history, prices: new PriceRepository(runtime.dataSource), calendar, clock, log: runtime.log },
    options: { days: runtime.config.marketData.backfillDays, watchlist: feed.watchlist },
  };
}

/** History from day one: the backfill runs once at start, in the background (a slow provider must not hold the desk's start). */
function backfillAtStart(runtime: Runtime, backfill: { deps: BackfillDeps; options: BackfillOptions }): void {
  // backfillHistory logs its own summary.
  void backfillHistory(backfill.deps, backfill.options).catch((error: unknown) =>
    runtime.log.warn({ err: error instanceof Error ? error.message : String(error) }, "start-up: the daily history backfill failed; the history-backfill job retries after the close"),
  );
}

/**
 * Settles what a crash left half-done (approved proposals, orders without the broker's answer)
 * once at start-up, before the workers take new work; the approval-expiry job does it again
 * every 30 s. A failure here is logged, not fatal: the job retries it.
 */
export async function recoverAtStart(runtime: Runtime, services: DeskServices): Promise<void> {
  const { killSwitch } = services;
  try {
    const report = await recoverInterruptedWork({ store: new InterruptedWorkRepository(runtime.dataSource), notifier: killSwitch.notifier, clock: killSwitch.clock, log: runtime.log });
    runtime.log.info({ orders: report.orders.length, proposals: report.proposals.length, waiting: report.waiting.length }, "start-up: checked for work a crash left half-done");
  } catch (error) {
    runtime.log.error({ err: String(error) }, "start-up recovery failed; the approval-expiry job will retry it");
  }
}
