import type { FeedReport } from "../../domain/feed-health.js";

/** Where feeds report their state (PostgreSQL: every process reads the same picture). */
export interface FeedStore {
  report(r: FeedReport): Promise<void>;
  all(): Promise<FeedReport[]>;
  /** Forgets every feed but this one (a provider the desk no longer uses would be reported down forever). */
  retireAllBut(name: string): Promise<void>;
}
