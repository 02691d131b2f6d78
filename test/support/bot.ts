import type { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import type { Update, UserFromGetMe } from "grammy/types";
import type { Middleware } from "grammy";
import { OperatorRepository } from "../../src/adapters/db/repositories/operator-repository.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { FanOutNotifier, TelegramNotifier } from "../../src/adapters/telegram/telegram-notifier.js";
import type { Clock } from "../../src/app/ports/clock.js";
import type { BotContext } from "../../src/adapters/telegram/context.js";
import { createBot } from "../../src/adapters/telegram/create-bot.js";
import { createLogger } from "../../src/logger.js";
import { createPushApi } from "../../src/adapters/telegram/transport.js";
import type { Role } from "../../src/domain/vocabulary.js";
import { buildBotDeps, buildProposalBoard } from "../../src/main/telegram.js";
import { MARKET_OPEN, testDesk, type DeskOptions } from "./desk.js";
import { TelegramRecorder } from "./telegram-recorder.js";

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

export interface TestBotOptions extends Omit<DeskOptions, "clock" | "notifier" | "redis"> {
  redis: Redis;
  /** The bot's Redis keyspace (production: one per bot token); each test file has its own. */
  prefix: string;
  /** Talk to a Bot API server over HTTP (the emulator) instead of recording; alerts are then pushed through it too. */
  apiRoot?: string;
  /** First middleware of all, e.g. the runner's sequentialize for polling tests. */
  before?: Middleware<BotContext>;
  /** Who may use the desk; OPERATORS by default. */
  operators?: ReadonlyMap<number, Role>;
}

/**
 * The real bot on real PostgreSQL and Redis, built as production builds it (buildDesk,
 * buildBotDeps), with Telegram recorded, not sent: updates go in through `bot.handleUpdate`,
 * every Bot API call lands in `telegram`. Settings come in as configuration (`env`), as in
 * production; market data is "none" unless a test sets MARKET_DATA.
 */
export function createTestBot(dataSource: DataSource, options: TestBotOptions) {
  const telegram = new TelegramRecorder();
  const notifier = new RecordingNotifier();
  const clock: Clock & { at: Date } = { at: MARKET_OPEN, now() { return this.at; } };
  const log = createLogger("silent");
  const operators = new OperatorRepository(dataSource, options.operators ?? OPERATORS);
  const transport = options.apiRoot ? { apiRoot: options.apiRoot, throttle: false } : { apiRoot: "https://api.telegram.org", fetch: telegram.fetch, throttle: false };
  const api = createPushApi(TOKEN, transport);
  const alerts = options.apiRoot ? new FanOutNotifier([notifier, new TelegramNotifier(api, operators, log)]) : notifier;
  const desk = testDesk(dataSource, { ...options, env: { MARKET_DATA: "none", ...options.env }, clock, notifier: alerts, redis: options.redis });
  const link = { api, operators, redisPrefix: options.prefix };
  const board = buildProposalBoard(desk, link);
  const deps = buildBotDeps(desk, link, board);
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
    bot, deps, desk, telegram, notifier, clock, board,
    textUpdate, pressUpdate,
    send: (from: number, text: string) => bot.handleUpdate(textUpdate(from, text)),
    press: (from: number, data: string, onMessage?: number) => bot.handleUpdate(pressUpdate(from, data, onMessage)),
  };
}

export type TestBot = ReturnType<typeof createTestBot>;

