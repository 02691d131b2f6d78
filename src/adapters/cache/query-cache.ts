import { LRUCache } from "lru-cache";

export interface QueryCacheOptions {
  ttlMs: number;
  maxEntries: number;
}

/**
 * A TTL + LRU cache for read-mostly queries (recent news, recent signals), with tags so that a
 * write can drop exactly the entries it makes stale. Never used for safety state: kill switch,
 * approvals, positions, counters and prices used by risk checks are always read from PostgreSQL.
 *
 * Invalidation is in-process; other processes see a write at the latest after the TTL.
 */
export class QueryCache {
  private readonly entries: LRUCache<string, { value: unknown; tags: readonly string[] }>;
  private readonly keysByTag = new Map<string, Set<string>>();
  /** Bumped on every invalidation of a tag, so a load that raced a write is not cached. */
  private readonly generation = new Map<string, number>();
  hits = 0;
  misses = 0;

  constructor(options: QueryCacheOptions) {
    this.entries = new LRUCache({
      max: options.maxEntries,
      ttl: options.ttlMs,
      // Keep the tag index in step with evictions and expiries.
      dispose: (entry, key) => {
        for (const tag of entry.tags) {
          const keys = this.keysByTag.get(tag);
          keys?.delete(key);
          if (keys?.size === 0) this.keysByTag.delete(tag);
        }
      },
    });
  }

  /** Returns the cached value for `key`, or loads, caches and returns it. */
  async get<T>(key: string, tags: readonly string[], load: () => Promise<T>): Promise<T> {
    const cached = this.entries.get(key);
    if (cached) {
      this.hits += 1;
      return cached.value as T;
    }
    this.misses += 1;
    const before = tags.map((t) => this.generation.get(t) ?? 0);
    const value = await load();
    // A write invalidated one of our tags while we were loading: our value may predate it.
    const raced = tags.some((t, i) => (this.generation.get(t) ?? 0) !== before[i]);
    if (!raced) {
      this.entries.set(key, { value, tags });
      for (const tag of tags) {
        let keys = this.keysByTag.get(tag);
        if (!keys) this.keysByTag.set(tag, (keys = new Set()));
        keys.add(key);
      }
    }
    return value;
  }

  /** Drops every entry carrying any of these tags. */
  invalidate(...tags: string[]): void {
    for (const tag of tags) {
      this.generation.set(tag, (this.generation.get(tag) ?? 0) + 1);
      const keys = this.keysByTag.get(tag);
      if (!keys) continue;
      for (const key of [...keys]) this.entries.delete(key);
      this.keysByTag.delete(tag);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.keysByTag.clear();
  }
}
