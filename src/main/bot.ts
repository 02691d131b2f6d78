import { exitOnSignals, failStartup } from "./lifecycle.js";
import { bootRuntime } from "./runtime.js";

/**
 * `npm run bot`: the Telegram-facing process only (no job workers), for deployments that scale
 * the bot and the workers apart. The bot's features attach here.
 */
async function main(): Promise<void> {
  const runtime = await bootRuntime("bot");
  exitOnSignals(runtime.log, () => runtime.close());
  runtime.log.info("bot process is ready");
}

main().catch(failStartup);
