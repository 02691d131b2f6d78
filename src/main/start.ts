import type { JobRunner } from "../adapters/queue/job-runner.js";
import { startHttpServer, type HttpHandle } from "./http.js";
import { recoverAtStart, startJobs } from "./jobs.js";
import { exitOnSignals, failStartup } from "./lifecycle.js";
import { startLocalChat } from "./local-chat.js";
import { startWatchdog, type Watchdog } from "./watchdog.js";
import { bootRuntime } from "./runtime.js";
import { buildDesk } from "./desk.js";
import { buildBotDeps, buildProposalBoard, buildReportPublisher, openTelegramLink, prepareBot, type BotHandle, type TelegramLink } from "./telegram.js";

/**
 * `npm start`: the whole desk in one process. With no configuration it starts embedded
 * PostgreSQL and a private redis-server under ./data, the REST API, the job workers and the
 * Telegram bot — against the built-in Bot API emulator with a terminal chat when no
 * TELEGRAM_BOT_TOKEN is set.
 */
async function main(): Promise<void> {
  const runtime = await bootRuntime("war-room");
  let link: TelegramLink | undefined;
  let bot: BotHandle | undefined;
  let http: HttpHandle | undefined;
  let jobs: JobRunner | undefined;
  let chat: { close(): void } | undefined;
  let watchdog: Watchdog | undefined;
  const quietly = (what: string) => (error: unknown) => runtime.log.error({ err: String(error) }, `closing ${what} failed`);
  // Updates stop first, then the API (no new requests), then the workers finish the job in
  // hand, then the connections close, then the local services stop.
  const shutdown = async () => {
    chat?.close();
    await watchdog?.close().catch(quietly("the watchdog"));
    await bot?.close().catch(quietly("the bot"));
    await http?.close().catch(quietly("the HTTP server"));
    await jobs?.close().catch(quietly("the job workers"));
    await link?.close().catch(quietly("the Bot API emulator"));
    await runtime.close();
  };
  const stop = exitOnSignals(runtime.log, shutdown);
  try {
    link = await openTelegramLink(runtime);
    const desk = buildDesk(runtime.config, runtime, { notifier: link.notifier });
    const board = buildProposalBoard(runtime, link);
    bot = prepareBot(runtime, buildBotDeps(desk, link, board), link);
    // The API starts first; /metrics and /admin/queues find the queues once the runner is up.
    // The watchdog first: it looks at PostgreSQL, Redis and the safety jobs from outside the queue.
    watchdog = startWatchdog(runtime, desk, "war-room");
    http = await startHttpServer(runtime, desk, { extend: bot.mountWebhook, queues: () => jobs?.queues, watchdog });
    await recoverAtStart(runtime, desk);
    jobs = await startJobs(runtime, desk, { board, publisher: buildReportPublisher(runtime, link) });
    await bot.start();
  } catch (error) {
    await shutdown().catch(() => undefined);
    throw error;
  }
  runtime.log.info(
    {
      localDatabase: !runtime.config.database.url,
      localRedis: !runtime.config.redis.url,
      telegram: link.local ? "local" : runtime.config.telegram.mode,
      http: http.address,
      jobs: [...jobs.queues.keys()],
    },
    "War Room is ready",
  );
  if (link.local) chat = startLocalChat(runtime, link.local, stop);
}

main().catch(failStartup);
