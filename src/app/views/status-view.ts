import { evaluateTriggers, type Reading } from "../../domain/kill-switch/triggers.js";
import { limitsFor } from "../../domain/risk/phase-limits.js";
import type { AccountMode, Broker, Phase, Side, Trigger } from "../../domain/vocabulary.js";
import type { KillSwitchDeps } from "../kill-switch/deps.js";
import type { KillSwitchStatus } from "../ports/kill-switch-store.js";
import type { DeskReader } from "../ports/desk-reader.js";
import type { Proposal, ProposalStore } from "../ports/proposal-store.js";

/**
 * The /status read model: per account, whether it may trade and why, the kill switch's current
 * readings, what it holds and what waits for approval. Plain data; the bot renders it.
 */

export type KillSwitchViewState = "ACTIVE" | "HALTED" | "UNKNOWN";

export interface KillSwitchView {
  /** UNKNOWN: no kill-switch row, or it could not be read. The order guard treats both as halted. */
  state: KillSwitchViewState;
  /** When the state last changed; null when UNKNOWN. */
  since: Date | null;
  trigger: Trigger | null;
  reason: string;
  actor: string | null;
  resumeLockedUntil: Date | null;
  /** trigger -> trading day through which an admin acknowledged it at resume. */
  suppressedTriggers: Partial<Record<Trigger, string>>;
}

export interface StatusReading extends Reading {
  /** Fired, but acknowledged at resume for this trading day: it does not halt. */
  suppressed: boolean;
}

export interface PendingApproval {
  id: string;
  side: Side;
  ticker: string;
  quantity: number;
  requestedBy: string;
  expiresAt: Date;
}

export interface AccountStatusView {
  id: string;
  name: string;
  mode: AccountMode;
  broker: Broker;
  phase: Phase;
  killSwitch: KillSwitchView;
  /** The kill switch is ACTIVE and the phase places orders (live-prep does not). Anything unknown is false. */
  canTrade: boolean;
  readings: StatusReading[];
  /** true: the readings are the ones stored at `readingsAt` (the fresh ones could not be computed), or there are none. */
  readingsStale: boolean;
  /** When the readings were taken: now when fresh, the last check's time when stale. */
  readingsAt: Date | null;
  /** Why fresh readings could not be computed, when they could not. */
  readingsProblem: string | null;
  openPositions: { count: number; tickers: string[] };
  pendingApprovals: { count: number; proposals: PendingApproval[] };
}

export interface StatusViewDeps {
  reader: DeskReader;
  killSwitch: Pick<KillSwitchDeps, "store" | "snapshots" | "calendar" | "clock" | "thresholds">;
  proposals: Pick<ProposalStore, "pending">;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Every account, oldest first. A kill-switch state or snapshot that cannot be read is reported on
 * that account (UNKNOWN, stale readings) instead of failing the whole view: /status is what an
 * operator looks at when something is wrong.
 */
export async function buildStatusView(deps: StatusViewDeps): Promise<AccountStatusView[]> {
  const now = deps.killSwitch.clock.now();
  const tradingDay = deps.killSwitch.calendar.tradingDayOf(now);
  const marketOpen = deps.killSwitch.calendar.isMarketOpen(now);
  const [accounts, pending] = await Promise.all([deps.reader.accounts(), deps.proposals.pending()]);
  // A pending proposal past its expiry can no longer be approved (decide refuses it); the
  // expiry job just has not swept it yet, so it is not shown as waiting.
  const waiting = pending.filter((p) => p.expiresAt.getTime() > now.getTime());

  return Promise.all(
    accounts.map(async (account) => {
      const [status, positions] = await Promise.all([readStatus(deps, account.id), deps.reader.positions(account.id)]);
      const killSwitch = killSwitchView(status);
      const readings = await currentReadings(deps, account.id, status.status, { tradingDay, marketOpen, now });
      const proposals = waiting.filter((p) => p.accountId === account.id).map(toPending);
      return {
        id: account.id,
        name: account.name,
        mode: account.mode,
        broker: account.broker,
        phase: account.phase,
        killSwitch,
        canTrade: killSwitch.state === "ACTIVE" && limitsFor(account.mode, account.phase).trading,
        ...readings,
        openPositions: { count: positions.length, tickers: positions.map((p) => p.ticker) },
        pendingApprovals: { count: proposals.length, proposals },
      };
    }),
  );
}

type StatusRead = { status: KillSwitchStatus; problem?: undefined } | { status: undefined; problem: string };

async function readStatus(deps: StatusViewDeps, accountId: string): Promise<StatusRead> {
  try {
    const status = await deps.killSwitch.store.status(accountId);
    return status ? { status } : { status: undefined, problem: "the account has no kill-switch state" };
  } catch (error) {
    return { status: undefined, problem: `the kill-switch state cannot be read: ${errorText(error)}` };
  }
}

/** Fail closed: without a readable row the state is UNKNOWN, which the bot must show as not trading. */
function killSwitchView(read: StatusRead): KillSwitchView {
  const s = read.status;
  if (!s) {
    return { state: "UNKNOWN", since: null, trigger: null, reason: `${read.problem}: treated as halted`, actor: null, resumeLockedUntil: null, suppressedTriggers: {} };
  }
  return { state: s.state, since: s.changedAt, trigger: s.trigger, reason: s.reason, actor: s.actor, resumeLockedUntil: s.resumeLockedUntil, suppressedTriggers: s.suppressedTriggers };
}

type ReadingsPart = Pick<AccountStatusView, "readings" | "readingsStale" | "readingsAt" | "readingsProblem">;

/**
 * The triggers evaluated now, from a fresh snapshot, so /status never shows a reading from the
 * last scheduled check as if it were current. The snapshot source is the kill switch's own: the
 * figures are the ones a check would decide on (it also fixes the day's start-of-day equity on
 * the first look, as every check does). When it cannot be loaded, the stored readings are shown,
 * flagged stale.
 */
async function currentReadings(
  deps: StatusViewDeps,
  accountId: string,
  status: KillSwitchStatus | undefined,
  at: { tradingDay: string; marketOpen: boolean; now: Date },
): Promise<ReadingsPart> {
  const suppressed = status?.suppressedTriggers ?? {};
  const mark = (readings: readonly Reading[]): StatusReading[] =>
    readings.map((r) => ({ ...r, suppressed: r.fired && suppressed[r.trigger] === at.tradingDay }));
  let problem: string;
  try {
    const loaded = await deps.killSwitch.snapshots.load({ accountId, ...at });
    if (loaded) {
      return { readings: mark(evaluateTriggers(loaded.snapshot, deps.killSwitch.thresholds)), readingsStale: false, readingsAt: at.now, readingsProblem: null };
    }
    problem = "no snapshot: the account or its kill-switch state is missing";
  } catch (error) {
    problem = `the snapshot cannot be read: ${errorText(error)}`;
  }
  return { readings: mark(status?.lastReadings ?? []), readingsStale: true, readingsAt: status?.lastCheckedAt ?? null, readingsProblem: problem };
}

const toPending = (p: Proposal): PendingApproval => ({ id: p.id, side: p.side, ticker: p.ticker, quantity: p.quantity, requestedBy: p.requestedBy, expiresAt: p.expiresAt });
