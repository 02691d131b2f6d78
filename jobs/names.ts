/**
 * Every job the desk runs, and whether start-up requires it: the closed list BullMQ's queues
 * and schedulers are named after. A name outside this table is a compile error in a job's
 * factory (JobDefinition's name is a JobName) and a start-up error if it arrives by a cast.
 * `required: false` says when the job is left out; every other job must have exactly one
 * definition, or the desk refuses to start (jobs/registry.ts).
 */
export const JOB_TABLE = {
  /** Every account's kill-switch triggers (TRIGGER_CHECK_EVERY_SECONDS); the watchdog's first safety job. */
  "trigger-check": { required: true },
  /** Sells the longs whose price fell to their stop (STOP_LOSS_SCAN_EVERY_SECONDS, market hours); the watchdog's second. */
  "stop-loss-scan": { required: true },
  /** Expires pending proposals, settles what a crash left half-done, edits their posted copies (every 30 s). */
  "approval-expiry": { required: true },
  /** Intraday equity marks while the market is open (every 30 minutes). */
  "equity-mark-intraday": { required: true },
  /** End-of-day equity marks (16:05 New York on trading days). */
  "equity-mark-close": { required: true },
  /** The daily report to every operator (DAILY_REPORT_CRON, 16:15 New York by default). */
  "daily-report": { required: true },
  /** The week's review to every operator (WEEKLY_REPORT_CRON, Sunday 18:00 New York by default). */
  "weekly-report": { required: true },
  /** Tells the traders a held price is getting old, before the trigger halts (every minute). */
  "stale-data-warning": { required: true },
  /** The market-data provider's newest prices, then the kill switch and resting orders (PRICE_POLL_EVERY_SECONDS). */
  "price-poll": { required: true },
  /** A War Room session per watchlist ticker, its decision mirrored to every eligible account (every 30 minutes, market hours). */
  "warroom-scan": { required: true },
  /** Scores each agent's votes once their horizon has closed (hourly). */
  "vote-scoring": { required: true },
  /** New confident signals to the traders (every minute). */
  "signal-alerts": { required: true },
  /** Fetches the configured news feeds and stores new articles (NEWS_INGEST_CRON). */
  "news-ingest": { required: true },
  /** Books what real brokers have filled (every 30 s). */
  "broker-fills": { required: true },
  /** Each real-broker account's positions against the desk's; a difference halts the account (every 5 minutes). */
  "broker-reconcile": { required: true },
  /** Orders whose broker answer was unclear are looked up, never resent (every minute). */
  "order-reconcile": { required: true },
  /** Cash and positions against starting capital and the fills; differences told to the admins (hourly). */
  "books-reconcile": { required: true },
  /** Real-broker fills get the broker's statement commission in place of the estimate (every 10 minutes). */
  "commission-confirm": { required: true },
  /**
   * Daily bars for held and watched tickers after the close. Only when the market-data provider
   * has a history source, and never in replay: the replay's history is fixed, loaded once at
   * start (a daily run would re-date it).
   */
  "history-backfill": { required: false },
} as const satisfies Record<string, { required: boolean }>;

export type JobName = keyof typeof JOB_TABLE;

/** The job names in the table's order. */
export const JOB_NAMES = Object.keys(JOB_TABLE) as readonly JobName[];

/** Whether `name` is one of the desk's jobs: for names that arrive as plain strings (a cast, a queue read back from Redis). */
export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOB_TABLE, name);
}
