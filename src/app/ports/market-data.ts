import type { PriceBar } from "../../domain/prices.js";

/** Where live prices come from: the broker's quotes, or a replay of history in local mode. */
export interface MarketDataProvider {
  readonly name: string;
  /** Polled outside exchange hours too (a replay keeps its own clock). */
  readonly alwaysOpen: boolean;
  /** The newest bar of every ticker it follows, stamped with the time it is true for. */
  poll(now: Date): Promise<PriceBar[]>;
}
