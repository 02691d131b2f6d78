import type { ProviderParts } from "./market-data.js";
import type { Runtime } from "./runtime.js";
import type { DeskServices } from "./services.js";

/** The live providers (KIS, Alpaca), built from their named variables. */
export function liveProvider(runtime: Runtime, _services: DeskServices): ProviderParts {
  throw new Error(`MARKET_DATA=${runtime.config.marketData.provider} is not wired yet`);
}
