import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { QueryCache } from "../../src/adapters/cache/query-cache.js";

describe("QueryCache", () => {
  it("loads once, then serves from memory", async () => {
    const cache = new QueryCache({ ttlMs: 60_000, maxEntries: 10 });
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get("k", ["t"], load)).toBe(1);
    expect(await cache.get("k", ["t"], load)).toBe(1);
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });

  it("drops exactly the entries whose tag a write invalidates", async () => {
    const cache = new QueryCache({ ttlMs: 60_000, maxEntries: 10 });
    let version = 1;
    await cache.get("nvda", ["news", "news:NVDA"], async () => version);
    await cache.get("orcl", ["news", "news:ORCL"], async () => version);
    version = 2;
    cache.invalidate("news:NVDA");
    expect(await cache.get("nvda", ["news", "news:NVDA"], async () => version)).toBe(2);
    expect(await cache.get("orcl", ["news", "news:ORCL"], async () => version)).toBe(1);
    cache.invalidate("news");
    expect(await cache.get("orcl", ["news", "news:ORCL"], async () => version)).toBe(2);
  });

  it("does not keep a value loaded while a write invalidated its tag", async () => {
    const cache = new QueryCache({ ttlMs: 60_000, maxEntries: 10 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = cache.get("k", ["t"], async () => {
      await gate;
      return "before-write";
    });
    cache.invalidate("t"); // the write lands while the read is in flight
    release();
    expect(await slow).toBe("before-write");
    expect(await cache.get("k", ["t"], async () => "after-write")).toBe("after-write");
  });

  it("forgets entries after their TTL and past its capacity", async () => {
    const cache = new QueryCache({ ttlMs: 20, maxEntries: 2 });
    await cache.get("a", [], async () => 1);
    await sleep(40);
    expect(await cache.get("a", [], async () => 2)).toBe(2);
    await cache.get("b", [], async () => 1);
    await cache.get("c", [], async () => 1);
    expect(cache.size).toBe(2);
  });
});
