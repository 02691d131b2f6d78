import type { FeedReport } from "../../domain/feed-health.js";

/** Where feeds report their state (PostgreSQL: every process reads the same picture). */
export interface FeedStore {
  report(r: FeedReport): Promise<void>;
  all(): Promise<FeedReport[]>;
}
