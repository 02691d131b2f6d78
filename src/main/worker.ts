import { startJobs } from "./jobs.js";
import { exitOnSignals, failStartup } from "./lifecycle.js";
import { bootRuntime } from "./runtime.js";
import { buildDeskServices } from "./services.js";
import { buildProposalBoard, buildReportPublisher, openTelegramLink } from "./telegram.js";

/**
 * `npm run worker`: only the BullMQ workers, so several can run side by side against one
 * PostgreSQL and Redis (set DATABASE_URL and REDIS_URL). Schedulers are upserted by id, so
 * starting more workers never duplicates a schedule.
 */
async function main(): Promise<void> {
  const runtime = await bootRuntime("worker");
  // With a bot token the worker pushes alerts and edits proposal messages itself; in local mode
  // the emulator lives in the bot's process, so a lone worker only logs its alerts.
  const link = runtime.config.telegram.token ? await openTelegramLink(runtime) : undefined;
  const services = buildDeskServices(runtime, link?.notifier);
  const channels = link ? { board: buildProposalBoard(runtime, link), publisher: buildReportPublisher(runtime, link) } : {};
  const jobs = await startJobs(runtime, services, channels).catch(async (error: unknown) => {
    await runtime.close();
    throw error;
  });
  exitOnSignals(runtime.log, async () => {
    await jobs.close();
    await runtime.close();
  });
  runtime.log.info({ jobs: [...jobs.queues.keys()] }, "worker is ready");
}

main().catch(failStartup);
