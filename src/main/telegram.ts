import { run, sequentialize, type RunnerHandle } from "@grammyjs/runner";
import type { Api, Bot } from "grammy";
import type { FastifyInstance } from "fastify";
import { mountTelegramWebhook } from "../adapters/http/telegram-webhook.js";
import { AuditLogRepository } from "../adapters/db/repositories/audit-log-repository.js";
import { DeskReaderRepository } from "../adapters/db/repositories/desk-reader-repository.js";
import { OperatorRepository } from "../adapters/db/repositories/operator-repository.js";
import { ProposalMessageRepository } from "../adapters/db/repositories/proposal-message-repository.js";
import { ProposalRepository } from "../adapters/db/repositories/proposal-repository.js";
import { AccountRepository } from "../adapters/db/repositories/account-repository.js";
import { LoggingNotifier } from "../adapters/notifier/logging-notifier.js";
import { FanOutNotifier, TelegramNotifier } from "../adapters/telegram/telegram-notifier.js";
import { TelegramProposalBoard } from "../adapters/telegram/proposal-board.js";
import { TelegramReportPublisher } from "../adapters/telegram/report-publisher.js";
import { TradeLogRepository } from "../adapters/db/repositories/trade-log-repository.js";
import type { ReportPublisher } from "../app/ports/report-publisher.js";
import { reportCharts } from "./report-charts.js";
import { buildWarRoomDeps } from "./warroom.js";
import { MirrorRepository } from "../adapters/db/repositories/mirror-repository.js";
import { RedisConversationStorage } from "../adapters/redis/conversation-storage.js";
import { RedisPendingChoices } from "../adapters/redis/pending-choices.js";
import { RedisOnceLedger } from "../adapters/redis/once-ledger.js";
import { updateDeduper } from "../adapters/telegram/middlewares/dedupe.js";
import type { Notifier } from "../app/ports/notifier.js";
import type { OperatorDirectory } from "../app/ports/operator-directory.js";
import type { ProposalBoard } from "../app/ports/proposal-board.js";
import type { BotContext, BotDeps } from "../adapters/telegram/context.js";
import { createBot } from "../adapters/telegram/create-bot.js";
import { COMMANDS } from "../adapters/telegram/features/start-help.js";
import { createPushApi, type TransportOptions } from "../adapters/telegram/transport.js";
import { Dec } from "../domain/decimal.js";
import type { Role } from "../domain/vocabulary.js";
import { startBotApiEmulator, type BotApiEmulator } from "../local/bot-api/index.js";
import { prepareDataDir } from "../local/data-dir.js";
import { withFeeds } from "./market-data.js";
import { buildGoingLiveDeps, trackingTargets } from "./going-live.js";
import type { Runtime } from "./runtime.js";
import type { Desk } from "./desk.js";

/** How this process reaches Telegram: the real Bot API, or the built-in emulator in local mode. */
export interface TelegramLink {
  token: string;
  transport: TransportOptions;
  /** Local mode: the emulator and the operator who chats in the terminal (an admin). */
  local: { emulator: BotApiEmulator; admin: { id: number; first_name: string } } | undefined;
  operators: OperatorDirectory;
  api: Api;
  notifier: Notifier;
  /** Where the bot keeps its conversations, pending choices and seen updates in Redis: one keyspace per bot token. */
  redisPrefix: string;
  close(): Promise<void>;
}

const LOCAL_TOKEN = "1000000001:local-emulator-token";
/** The terminal operator's user id in local mode when ADMIN_IDS names nobody. */
const LOCAL_ADMIN_ID = 100_000_001;

/** Opens the link (starting the emulator in local mode) and the push channels built on it. */
export async function openTelegramLink(runtime: Runtime): Promise<TelegramLink> {
  const { config, log } = runtime;
  let local: TelegramLink["local"];
  let token = config.telegram.token;
  let apiRoot = config.telegram.apiRoot;
  const operators = new Map<number, Role>(config.operators);
  if (!token) {
    // The emulator keeps its files under DATA_DIR even when PostgreSQL and Redis are external: a bad DATA_DIR is named as such.
    await prepareDataDir(config.dataDir);
    const emulator = await startBotApiEmulator({ token: LOCAL_TOKEN, photoDir: `${config.dataDir}/telegram-local/files`, stateDir: `${config.dataDir}/telegram-local` });
    const adminId = [...config.operators].find(([, role]) => role === "admin")?.[0] ?? LOCAL_ADMIN_ID;
    const admin = { id: adminId, first_name: "Local operator" };
    emulator.user.registerUser(admin);
    operators.set(adminId, "admin");
    local = { emulator, admin };
    token = LOCAL_TOKEN;
    apiRoot = emulator.apiRoot;
    log.info({ apiRoot, adminId }, "local Telegram mode: no TELEGRAM_BOT_TOKEN, the bot talks to the built-in Bot API emulator");
  }
  // Nothing reaches Telegram in local mode, so there is no limit to respect.
  const transport: TransportOptions = { apiRoot, throttle: !local };
  const directory = new OperatorRepository(runtime.dataSource, operators);
  const api = createPushApi(token, transport);
  const notifier = new FanOutNotifier([new LoggingNotifier(log), new TelegramNotifier(api, directory, log, [...operators].map(([userId, role]) => ({ userId, role, displayName: "" })))]);
  return { token, transport, local, operators: directory, api, notifier, redisPrefix: `wr:tg:${token.split(":")[0]}:`, close: async () => local?.emulator.close() };
}

export function buildProposalBoard(runtime: Pick<Runtime, "dataSource" | "log">, link: Pick<TelegramLink, "api" | "operators">): ProposalBoard {
  return new TelegramProposalBoard(link.api, {
    operators: link.operators,
    messages: new ProposalMessageRepository(runtime.dataSource),
    proposals: new ProposalRepository(runtime.dataSource),
    log: runtime.log,
  });
}

export function buildReportPublisher(runtime: Pick<Runtime, "log">, link: Pick<TelegramLink, "api" | "operators">): ReportPublisher {
  return new TelegramReportPublisher(link.api, link.operators, runtime.log, reportCharts());
}

/** The bot's dependencies on the composed desk and a Telegram link (the real Bot API, the emulator, or a test's recorder). */
export function buildBotDeps(desk: Desk, link: Pick<TelegramLink, "api" | "operators" | "redisPrefix">, board: ProposalBoard): BotDeps {
  const { config, dataSource, redis, log } = desk;
  if (!redis) throw new Error("the bot needs Redis (conversation state and update de-duplication)");
  const prefix = link.redisPrefix;
  return {
    killSwitch: desk.killSwitch,
    approvals: desk.approvals,
    phases: { accounts: new AccountRepository(dataSource), killSwitch: desk.killSwitch, live: buildGoingLiveDeps(desk, link) },
    operators: link.operators,
    audit: new AuditLogRepository(dataSource),
    board,
    reader: new DeskReaderRepository(dataSource),
    deduper: updateDeduper(new RedisOnceLedger(redis, prefix)),
    conversationStorage: new RedisConversationStorage(redis, prefix),
    accountChoices: new RedisPendingChoices(redis, prefix),
    reports: { trades: new TradeLogRepository(dataSource), publisher: buildReportPublisher(desk, link) },
    warroom: buildWarRoomDeps(desk, board),
    tracking: { mirrors: new MirrorRepository(dataSource), targets: trackingTargets(config) },
    nearStopPct: new Dec(config.risk.nearStopPct),
    marketData: { provider: config.marketData.provider, ...withFeeds(desk) },
    log,
  };
}

export interface BotHandle {
  bot: Bot<BotContext>;
  /** Webhook mode: mounts POST /telegram/webhook on the HTTP server (call before it listens). */
  mountWebhook?: (app: FastifyInstance) => void;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The bot in polling mode (grammY runner, per-chat sequential, other chats concurrent) or
 * webhook mode (Telegram's secret token checked on every call). Commands are registered with
 * setMyCommands at start.
 */
export function prepareBot(runtime: Runtime, deps: BotDeps, link: TelegramLink): BotHandle {
  const { config, log } = runtime;
  const bot = createBot(deps, { token: link.token, ...link.transport, before: sequentialize((ctx) => ctx.chat?.id.toString()) });
  let runner: RunnerHandle | undefined;
  const webhook = config.telegram.mode === "webhook" && !link.local;
  const handle: BotHandle = {
    bot,
    async start() {
      await bot.init();
      await bot.api.setMyCommands(COMMANDS.map(({ command, description }) => ({ command, description })));
      if (webhook) {
        await bot.api.setWebhook(config.telegram.webhookUrl!, { secret_token: config.telegram.webhookSecret!, allowed_updates: ["message", "callback_query"] });
        log.info({ bot: bot.botInfo.username }, "Telegram bot is receiving updates by webhook");
        return;
      }
      await bot.api.deleteWebhook();
      runner = run(bot, { runner: { fetch: { allowed_updates: ["message", "callback_query"] } } });
      log.info({ bot: bot.botInfo.username }, "Telegram bot is polling");
    },
    async close() {
      if (runner?.isRunning()) await runner.stop();
    },
  };
  if (webhook) {
    handle.mountWebhook = (app) => mountTelegramWebhook(app, bot, config.telegram.webhookSecret!);
  }
  return handle;
}
