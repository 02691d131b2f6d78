import { fileURLToPath } from "node:url";
import { loadReplaySeries, ReplayMarketData } from "../adapters/market-data/replay-provider.js";
import type { MarketDataProvider } from "../app/ports/market-data.js";
import type { Runtime } from "./runtime.js";

/** The shipped demo prices, found from this file rather than the working directory. */
const DEMO_PRICES = fileURLToPath(new URL("../../demo/prices", import.meta.url));

/** Nothing to poll: prices arrive by import only (the KIS quote provider comes with the broker). */
const noMarketData: MarketDataProvider = { name: "none", alwaysOpen: false, poll: () => Promise.resolve([]) };

export async function marketDataProvider(runtime: Runtime): Promise<MarketDataProvider> {
  const { marketData, risk } = runtime.config;
  if (marketData.provider !== "replay") return noMarketData;
  const series = await loadReplaySeries(DEMO_PRICES, marketData.replayTickers, risk.marketTimezone);
  const provider = new ReplayMarketData(series, { start: marketData.replayStart, secondsPerDay: marketData.replaySecondsPerDay, startedAt: new Date() });
  runtime.log.info({ tickers: marketData.replayTickers, from: marketData.replayStart, secondsPerDay: marketData.replaySecondsPerDay }, "replaying demo prices (MARKET_DATA=replay)");
  return provider;
}
