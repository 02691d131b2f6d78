import type { Redis } from "ioredis";
import type { ConversationStateStorage } from "../telegram/context.js";

/**
 * Conversation state (the /resume and /execute dialogues) in Redis, so a bot restart in the
 * middle of one neither loses it nor replays a decision: decisions run inside
 * `conversation.external`, whose results are part of this state. Idle dialogues expire.
 */
export class RedisConversationStorage implements ConversationStateStorage {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds = 3_600,
  ) {}

  async read(key: string): Promise<unknown> {
    const raw = await this.redis.get(this.prefix + key);
    return raw === null ? undefined : JSON.parse(raw);
  }

  async write(key: string, state: unknown): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(state), "EX", this.ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
