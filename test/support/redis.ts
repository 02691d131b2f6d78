import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, inject } from "vitest";

/**
 * A Redis connection and a key prefix of the calling test file's own; its keys are deleted
 * after the file's tests.
 */
export function useTestRedis(): { redis: Redis; prefix: string; url: string } {
  const url = inject("redisUrl");
  const prefix = `test:${randomBytes(6).toString("hex")}:`;
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
  return { redis, prefix, url };
}
