import type { JobRunner } from "../adapters/queue/job-runner.js";
import { startHttpServer, type HttpHandle } from "./http.js";
import { recoverAtStart, startJobs } from "./jobs.js";
import { exitOnSignals, failStartup } from "./lifecycle.js";
import { bootRuntime } from "./runtime.js";
import { buildDesk } from "./desk.js";
import { buildProposalBoard, buildReportPublisher, openTelegramLink, type TelegramLink } from "./telegram.js";
import { startWatchdog, type Watchdog } from "./watchdog.js";

/**
 * `npm run worker`: the BullMQ workers, so several can run side by side against one PostgreSQL
 * and Redis (set DATABASE_URL and REDIS_URL). Schedulers are upserted by id, so starting more
 * workers never duplicates a schedule. It serves the same HTTP API as the other processes
 * (HTTP_PORT), so that /healthz, /readyz and /metrics can probe it.
 */
async function main(): Promise<void> {
  const runtime = await bootRuntime("worker");
  let link: TelegramLink | undefined;
  let jobs: JobRunner | undefined;
  let http: HttpHandle | undefined;
  let watchdog: Watchdog | undefined;
  const shutdown = async () => {
    await watchdog?.close().catch(() => undefined);
    await http?.close().catch(() => undefined);
    await jobs?.close().catch(() => undefined);
    await link?.close().catch(() => undefined);
    await runtime.close();
  };
  exitOnSignals(runtime.log, shutdown);
  try {
    // With a bot token the worker pushes alerts and edits proposal messages itself; in local mode
    // the emulator lives in the bot's process, so a lone worker only logs its alerts.
    link = runtime.config.telegram.token ? await openTelegramLink(runtime) : undefined;
    const desk = buildDesk(runtime.config, runtime, link ? { notifier: link.notifier } : {});
    const channels = link ? { board: buildProposalBoard(runtime, link), publisher: buildReportPublisher(runtime, link) } : {};
    watchdog = startWatchdog(runtime, desk, "worker");
    http = await startHttpServer(runtime, desk, { queues: () => jobs?.queues, watchdog });
    await recoverAtStart(runtime, desk);
    jobs = await startJobs(runtime, desk, channels);
  } catch (error) {
    await shutdown().catch(() => undefined);
    throw error;
  }
  runtime.log.info({ http: http.address, jobs: [...jobs.queues.keys()] }, "worker is ready");
}

main().catch(failStartup);
