import type { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import type { Update, UserFromGetMe } from "grammy/types";
import { AccountRepository } from "../../src/adapters/db/repositories/account-repository.js";
import { AuditLogRepository } from "../../src/adapters/db/repositories/audit-log-repository.js";
import { DeskReaderRepository } from "../../src/adapters/db/repositories/desk-reader-repository.js";
import { MirrorRepository } from "../../src/adapters/db/repositories/mirror-repository.js";
import { OperatorRepository } from "../../src/adapters/db/repositories/operator-repository.js";
import { ProposalMessageRepository } from "../../src/adapters/db/repositories/proposal-message-repository.js";
import { ProposalRepository } from "../../src/adapters/db/repositories/proposal-repository.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { FanOutNotifier, TelegramNotifier } from "../../src/adapters/notifier/telegram-notifier.js";
import { TelegramProposalBoard } from "../../src/adapters/telegram/proposal-board.js";
import { TelegramReportPublisher } from "../../src/adapters/telegram/report-publisher.js";
import { TradeLogRepository } from "../../src/adapters/db/repositories/trade-log-repository.js";
import type { ChartRenderer } from "../../src/app/ports/chart-renderer.js";
import type { SlowAgent } from "../../src/app/warroom/session.js";
import { NewsRepository } from "../../src/adapters/db/repositories/news-repository.js";
import { PriceRepository } from "../../src/adapters/db/repositories/price-repository.js";
import { SignalRepository } from "../../src/adapters/db/repositories/signal-repository.js";
import { WarRoomRepository } from "../../src/adapters/db/repositories/warroom-repository.js";
import { RedisConversationStorage } from "../../src/adapters/telegram/redis-conversation-storage.js";
import { RedisPendingChoices } from "../../src/adapters/telegram/redis-pending-choices.js";
import { RedisOnceLedger } from "../../src/adapters/telegram/redis-once-ledger.js";
import { updateDeduper } from "../../src/bot/middlewares/dedupe.js";
import type { ApprovalDeps } from "../../src/app/approvals/request-order.js";
import type { Clock } from "../../src/app/ports/clock.js";
import type { Middleware } from "grammy";
import type { BotContext, BotDeps } from "../../src/bot/context.js";
import { createBot } from "../../src/bot/create-bot.js";
import { createPushApi } from "../../src/bot/transport.js";
import { Dec } from "../../src/domain/decimal.js";
import type { Role } from "../../src/domain/vocabulary.js";
import { createLogger } from "../../src/logger.js";
import { executionDeps, MARKET_OPEN, type ExecutionOptions } from "./desk.js";
import { TelegramRecorder } from "./telegram-recorder.js";
import { goingLiveDeps, type GoingLiveOptions } from "./going-live.js";

export const BOT_INFO: UserFromGetMe = {
  id: 7000000001, is_bot: true, first_name: "War Room", username: "war_room_test_bot",
  can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false,
  can_connect_to_business: false, has_main_web_app: false,
} as UserFromGetMe;
const TOKEN = "7000000001:test-token";
export const TEST_BOT_TOKEN = TOKEN;

/** The operators every bot test has: chat id = user id (private chats). */
export const ADMIN = 101;
export const TRADER = 102;
export const TRADER_2 = 103;
export const VIEWER = 104;
export const STRANGER = 999;
export const OPERATORS = new Map<number, Role>([[ADMIN, "admin"], [TRADER, "trader"], [TRADER_2, "trader"], [VIEWER, "viewer"]]);
/** A second admin, for four-eyes promotions: only tests that pass WITH_SECOND_ADMIN have one. */
export const ADMIN_2 = 105;
export const WITH_SECOND_ADMIN = new Map<number, Role>([...OPERATORS, [ADMIN_2, "admin"]]);

export interface TestBotOptions extends ExecutionOptions {
  redis: Redis;
  prefix: string;
  fourEyes?: boolean;
  shadowRequiresApproval?: boolean;
  overrideCode?: { verify(code: string): Promise<boolean> };
  /** Talk to a Bot API server over HTTP (the emulator) instead of recording; alerts are then pushed through it too. */
  apiRoot?: string;
  /** First middleware of all, e.g. the runner's sequentialize for polling tests. */
  before?: Middleware<BotContext>;
  /** Draws report charts; none by default (the reports' text is what most tests read). */
  charts?: ChartRenderer;
  /** The War Room's LLM agent; none by default. */
  llm?: SlowAgent;
  /** Where prices come from, for /status; not shown when omitted. */
  marketData?: BotDeps["marketData"];
  /** Who may use the desk; OPERATORS by default. */
  operators?: ReadonlyMap<number, Role>;
  /** Going live (/phase check, alerts, four-eyes promotions): four eyes on, no live broker, a failing tracking gate by default. */
  live?: GoingLiveOptions;
}

/**
 * The real bot on real PostgreSQL and Redis with Telegram recorded, not sent: updates go in
 * through `bot.handleUpdate`, every Bot API call lands in `telegram`.
 */
export function createTestBot(dataSource: DataSource, options: TestBotOptions) {
  const telegram = new TelegramRecorder();
  const notifier = new RecordingNotifier();
  const clock: Clock & { at: Date } = { at: MARKET_OPEN, now() { return this.at; } };
  const log = createLogger("silent");
  const operators = new OperatorRepository(dataSource, options.operators ?? OPERATORS);
  const transport = options.apiRoot ? { apiRoot: options.apiRoot, throttle: false } : { apiRoot: "https://api.telegram.org", fetch: telegram.fetch, throttle: false };
  const pushApi = createPushApi(TOKEN, transport);
  const alerts = options.apiRoot ? new FanOutNotifier([notifier, new TelegramNotifier(pushApi, operators, log)]) : notifier;
  const execution = executionDeps(dataSource, { clock, notifier: alerts, ...options });
  execution.killSwitch.overrideCode = options.overrideCode;
  const approvals: ApprovalDeps = {
    execution,
    proposals: new ProposalRepository(dataSource),
    policy: { shadowRequiresApproval: options.shadowRequiresApproval ?? true, fourEyes: options.fourEyes ?? false },
    expiryMinutes: 10,
    accountMode: async (id) => (await new AccountRepository(dataSource).phaseOf(id))?.mode,
  };
  const board = new TelegramProposalBoard(pushApi, { operators, messages: new ProposalMessageRepository(dataSource), proposals: approvals.proposals, log });
  const deps: BotDeps = {
    killSwitch: execution.killSwitch,
    approvals,
    phases: { accounts: new AccountRepository(dataSource), killSwitch: execution.killSwitch, live: goingLiveDeps(dataSource, { clock, notifier: alerts, operators, policy: approvals.policy, api: pushApi, log }, options.live) },
    operators,
    audit: new AuditLogRepository(dataSource),
    board,
    reader: new DeskReaderRepository(dataSource),
    deduper: updateDeduper(new RedisOnceLedger(options.redis, options.prefix)),
    conversationStorage: new RedisConversationStorage(options.redis, options.prefix),
    accountChoices: new RedisPendingChoices(options.redis, options.prefix),
    reports: { trades: new TradeLogRepository(dataSource), charts: options.charts, publisher: new TelegramReportPublisher(pushApi, operators, log) },
    warroom: {
      store: new WarRoomRepository(dataSource),
      prices: new PriceRepository(dataSource),
      news: new NewsRepository(dataSource),
      signals: new SignalRepository(dataSource),
      killSwitch: execution.killSwitch,
      accounts: new AccountRepository(dataSource),
      approvals,
      board,
      mirrors: new MirrorRepository(dataSource),
      reader: new DeskReaderRepository(dataSource),
      llm: options.llm,
      settings: { deadlineMs: 2000, riskFraction: new Dec("0.01"), act: new Dec("0.55"), defaultStopPct: 5, minScoredForWeight: 20, maxPositionPct: 20 },
    },
    tracking: { mirrors: new MirrorRepository(dataSource), targets: { maxBps: 50, minPairs: 10 } },
    nearStopPct: new Dec(2),
    ...(options.marketData ? { marketData: options.marketData } : {}),
    log,
  };
  const bot = createBot(deps, { token: TOKEN, ...transport, botInfo: BOT_INFO, ...(options.before ? { before: options.before } : {}) });
  let updateId = Math.floor(Math.random() * 1e9);
  let messageId = 1_000_000;

  const user = (id: number) => ({ id, is_bot: false, first_name: `user${id}` });
  const chat = (id: number) => ({ id, type: "private" as const, first_name: `user${id}` });

  /** An update for a text message from `from` in their private chat. */
  function textUpdate(from: number, text: string): Update {
    const command = /^\/\w+(@\w+)?/.exec(text);
    return {
      update_id: ++updateId,
      message: {
        message_id: ++messageId, date: Math.floor(clock.now().getTime() / 1000), chat: chat(from), from: user(from), text,
        ...(command ? { entities: [{ type: "bot_command" as const, offset: 0, length: command[0].length }] } : {}),
      },
    };
  }

  /** An update for a press on an inline button carrying `data`, on message `onMessage` in `from`'s chat. */
  function pressUpdate(from: number, data: string, onMessage = 1): Update {
    return {
      update_id: ++updateId,
      callback_query: {
        id: `cq-${updateId}`, from: user(from), chat_instance: `ci-${from}`, data,
        message: { message_id: onMessage, date: Math.floor(clock.now().getTime() / 1000), chat: chat(from), from: { ...BOT_INFO }, text: "…" },
      },
    };
  }

  return {
    bot, deps, telegram, notifier, clock, board,
    textUpdate, pressUpdate,
    send: (from: number, text: string) => bot.handleUpdate(textUpdate(from, text)),
    press: (from: number, data: string, onMessage?: number) => bot.handleUpdate(pressUpdate(from, data, onMessage)),
  };
}

export type TestBot = ReturnType<typeof createTestBot>;
