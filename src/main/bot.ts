import { startHttpServer } from "./http.js";
import { exitOnSignals, failStartup } from "./lifecycle.js";
import { bootRuntime } from "./runtime.js";
import { buildDeskServices } from "./services.js";

/**
 * `npm run bot`: the operator-facing process (no job workers): the REST API now, the Telegram
 * bot with its feature. Deployments scale it and the workers apart.
 */
async function main(): Promise<void> {
  const runtime = await bootRuntime("bot");
  const http = await startHttpServer(runtime, buildDeskServices(runtime)).catch(async (error: unknown) => {
    await runtime.close();
    throw error;
  });
  exitOnSignals(runtime.log, async () => {
    await http.close();
    await runtime.close();
  });
  runtime.log.info({ http: http.address }, "bot process is ready");
}

main().catch(failStartup);
