import type { ConversationFlavor } from "@grammyjs/conversations";
import type { Context } from "grammy";
import type { ApprovalDeps } from "../../app/approvals/request-order.js";
import type { PhaseDeps } from "../../app/accounts/change-phase.js";
import type { KillSwitchDeps } from "../../app/kill-switch/deps.js";
import type { AuditLog } from "../../app/ports/audit-log.js";
import type { DeskReader } from "../../app/ports/desk-reader.js";
import type { Operator, OperatorDirectory } from "../../app/ports/operator-directory.js";
import type { ProposalBoard } from "../../app/ports/proposal-board.js";
import type { ReportPublisher } from "../../app/ports/report-publisher.js";
import type { TradeLog } from "../../app/ports/trade-log.js";
import type { WarRoomDeps } from "../../app/warroom/session.js";
import type { MirrorStore } from "../../app/ports/mirror-store.js";
import type { TrackingTargets } from "../../domain/tracking.js";
import type { Dec } from "../../domain/decimal.js";
import type { Logger } from "../../logger.js";
import type { PendingChoiceStore } from "./account-choice.js";
import type { LedgerFlavor } from "./middlewares/dedupe.js";
import type { NoticeSpacer, UserRateLimiter } from "./middlewares/rate-limit.js";

/** Remembers update ids so a re-delivered update (Telegram delivers at least once) changes nothing twice. */
export interface UpdateDeduper {
  /** true the first time an id is seen; false for a repeat. */
  firstSeen(updateId: number): Promise<boolean>;
}

/** What the bot's features call: use-case dependencies only, never a database handle. */
import type { FeedStore } from "../../app/ports/feed-store.js";

export interface BotDeps {
  killSwitch: KillSwitchDeps;
  approvals: ApprovalDeps;
  phases: PhaseDeps;
  operators: OperatorDirectory;
  audit: AuditLog;
  board: ProposalBoard;
  reader: DeskReader;
  deduper: UpdateDeduper;
  /** Where conversation state lives (Redis): a restart mid-conversation loses nothing. */
  conversationStorage: ConversationStateStorage;
  /** Commands waiting for their operator to pick an account (Redis, 10-minute TTL). */
  accountChoices: PendingChoiceStore;
  /** /report: the day's fills, the chart (absent when charts cannot be drawn here) and the sender. */
  reports: { trades: TradeLog; publisher: ReportPublisher };
  /** /warroom; undefined where the War Room is not wired. */
  warroom?: WarRoomDeps;
  /** /compare and the weekly review's live-vs-shadow section: mirrored decisions and the tracking-error targets. */
  tracking?: { mirrors: Pick<MirrorStore, "decisions">; targets: TrackingTargets };
  /** Where prices come from, for /status: the provider's name, and the live feeds' reports when it streams. */
  marketData?: { provider: string; feeds?: FeedStore };
  /** A position within this % of its stop shows as Near. */
  nearStopPct: Dec;
  log: Logger;
  /** Per-user limits kept in this process's memory; defaults (20 updates a minute, strangers told once an hour) when omitted. */
  limits?: { perUser?: UserRateLimiter; strangerNotices?: NoticeSpacer };
}

export interface ConversationStateStorage {
  read(key: string): Promise<unknown>;
  write(key: string, state: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The operator who sent the update, set by the authorisation middleware before any feature runs. */
export interface OperatorFlavor {
  operator: Operator;
}

export type BotContext = ConversationFlavor<Context & OperatorFlavor & LedgerFlavor>;

/** "tg:<user id>": how every record names a Telegram operator. */
export function actorId(userId: number): string {
  return `tg:${userId}`;
}

export function actorOf(ctx: { operator: Operator }): string {
  return actorId(ctx.operator.userId);
}
