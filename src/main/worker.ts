import { exitOnSignals, failStartup } from "./lifecycle.js";
import { bootRuntime } from "./runtime.js";

/**
 * `npm run worker`: only the BullMQ workers, so several can run side by side against one
 * PostgreSQL and Redis (set DATABASE_URL and REDIS_URL). Processors register here as the job
 * features land (jobs/registry.ts).
 */
async function main(): Promise<void> {
  const runtime = await bootRuntime("worker");
  exitOnSignals(runtime.log, () => runtime.close());
  runtime.log.info("worker is ready");
}

main().catch(failStartup);
