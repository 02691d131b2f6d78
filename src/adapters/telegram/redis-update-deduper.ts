import type { Redis } from "ioredis";
import type { UpdateDeduper } from "../../bot/context.js";

/** Claims update ids in Redis (SET NX with a TTL): shared by every bot process of one bot. */
export class RedisUpdateDeduper implements UpdateDeduper {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Telegram never re-delivers an update after a day; the key then expires. */
    private readonly ttlSeconds = 86_400,
  ) {}

  async firstSeen(updateId: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}update:${updateId}`, "1", "EX", this.ttlSeconds, "NX")) === "OK";
  }
}
