import { startHttpServer, type HttpHandle } from "./http.js";
import { exitOnSignals, failStartup } from "./lifecycle.js";
import { startLocalChat } from "./local-chat.js";
import { startWatchdog, type Watchdog } from "./watchdog.js";
import { bootRuntime } from "./runtime.js";
import { buildDesk } from "./desk.js";
import { buildBotDeps, buildProposalBoard, openTelegramLink, prepareBot, type BotHandle, type TelegramLink } from "./telegram.js";

/**
 * `npm run bot`: the operator-facing process (no job workers): the Telegram bot and the REST
 * API. Deployments scale it and the workers apart; only one process may poll one bot token.
 */
async function main(): Promise<void> {
  const runtime = await bootRuntime("bot");
  let link: TelegramLink | undefined;
  let bot: BotHandle | undefined;
  let http: HttpHandle | undefined;
  let chat: { close(): void } | undefined;
  let watchdog: Watchdog | undefined;
  const shutdown = async () => {
    chat?.close();
    await watchdog?.close().catch(() => undefined);
    await bot?.close().catch(() => undefined);
    await http?.close().catch(() => undefined);
    await link?.close().catch(() => undefined);
    await runtime.close();
  };
  const stop = exitOnSignals(runtime.log, shutdown);
  try {
    link = await openTelegramLink(runtime);
    const desk = buildDesk(runtime.config, runtime, { notifier: link.notifier });
    bot = prepareBot(runtime, buildBotDeps(desk, link, buildProposalBoard(runtime, link)), link);
    watchdog = startWatchdog(runtime, desk, "bot");
    http = await startHttpServer(runtime, desk, { extend: bot.mountWebhook, watchdog });
    await bot.start();
  } catch (error) {
    await shutdown().catch(() => undefined);
    throw error;
  }
  runtime.log.info({ http: http.address, telegram: link.local ? "local" : runtime.config.telegram.mode }, "bot process is ready");
  if (link.local) chat = startLocalChat(runtime, link.local, stop);
}

main().catch(failStartup);
