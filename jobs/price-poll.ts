import { z } from "zod";
import { pollPrices, type PollDeps } from "../src/app/prices/poll-prices.js";
import type { JobDefinition } from "./registry.js";

const payload = z.object({}).strict();

/** `price-poll`: the market-data provider's newest prices, then the kill switch and resting orders (every PRICE_POLL_EVERY_SECONDS). */
export function pricePollJob(deps: PollDeps, everySeconds: number): JobDefinition<z.infer<typeof payload>, "price-poll"> {
  return { name: "price-poll", payload, schedule: { every: everySeconds * 1000 }, process: () => pollPrices(deps) };
}
