/**
 * The watchdog's rules, pure: which safety jobs are overdue, and which watched conditions
 * changed since the last look. The watchdog runs outside the job queue (a timer in every
 * process), so a dead worker or an unreachable Redis cannot silence it.
 */

export interface SafetyJob {
  name: string;
  everySeconds: number;
  /** Only expected to run while the market is open (a scan that skips closed hours still completes, but is not needed). */
  marketHoursOnly: boolean;
}

export interface OverdueJob {
  name: string;
  /** Last completion, or null when it never completed. */
  lastOkAt: Date | null;
  /** How long the job may go without completing before it counts as overdue. */
  allowedSeconds: number;
}

/** A job is overdue after twice its interval without a completion (one missed run is tolerated: a slow run, a restart). */
const OVERDUE_FACTOR = 2;

/**
 * Jobs that have not completed for `OVERDUE_FACTOR` times their interval. A market-hours job is
 * judged only once the market has been open for the whole allowed window, so the first minute
 * after the open (or a half day's close) never counts. `since` is when watching started (the
 * process's start): a job is not overdue before it could have run.
 */
export function overdueJobs(input: {
  jobs: readonly SafetyJob[];
  lastOk: ReadonlyMap<string, Date>;
  now: Date;
  since: Date;
  isMarketOpen: (at: Date) => boolean;
}): OverdueJob[] {
  const overdue: OverdueJob[] = [];
  for (const job of input.jobs) {
    const allowedMs = job.everySeconds * 1000 * OVERDUE_FACTOR;
    const windowStart = new Date(input.now.getTime() - allowedMs);
    if (windowStart < input.since) continue;
    if (job.marketHoursOnly && !(input.isMarketOpen(input.now) && input.isMarketOpen(windowStart))) continue;
    const lastOkAt = input.lastOk.get(job.name) ?? null;
    if (!lastOkAt || lastOkAt < windowStart) overdue.push({ name: job.name, lastOkAt, allowedSeconds: allowedMs / 1000 });
  }
  return overdue;
}

/** One watched condition: "database", "redis", "job:trigger-check", ... */
export interface Condition {
  name: string;
  failing: boolean;
  detail: string;
}

export interface ConditionChange extends Condition {
  /** true: it just started failing; false: it just recovered. */
  started: boolean;
}

/** Conditions whose state differs from the last known one (an unknown condition that is healthy is no change). */
export function changedConditions(previous: ReadonlyMap<string, boolean>, current: readonly Condition[]): ConditionChange[] {
  return current
    .filter((c) => (previous.get(c.name) ?? false) !== c.failing)
    .map((c) => ({ ...c, started: c.failing }));
}
