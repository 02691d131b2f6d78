import type { Redis } from "ioredis";
import type { OnceLedger } from "../../app/ports/once-ledger.js";

/**
 * SET NX with a TTL, shared by every process: update ids the bot has handled, warnings already
 * pushed. Neither is safety state (that lives in PostgreSQL), so Redis is enough.
 */
export class RedisOnceLedger implements OnceLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds = 86_400,
  ) {}

  async first(key: string): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}${key}`, "1", "EX", this.ttlSeconds, "NX")) === "OK";
  }
}
