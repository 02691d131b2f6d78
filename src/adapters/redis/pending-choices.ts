import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { PendingChoice, PendingChoiceStore, TakeChoiceResult } from "../telegram/account-choice.js";

/**
 * The commands waiting for their operator to pick an account (the "Which account?" buttons),
 * in Redis with a TTL: a question nobody answers goes away by itself. Taking one deletes it, and
 * only the DEL that removed the key runs the command, so two presses (or a re-delivered press)
 * run it once. What was done is kept as long again, to answer a late second press clearly.
 */
export class RedisPendingChoices implements PendingChoiceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly ttlSeconds = 600,
  ) {}

  async save(choice: PendingChoice): Promise<string> {
    // 12 hex characters: unguessable enough for a 10-minute question only its asker may answer.
    const id = randomBytes(6).toString("hex");
    await this.redis.set(this.key(id), JSON.stringify(choice), "EX", this.ttlSeconds);
    return id;
  }

  async take(id: string, userId: number, outcome: (choice: PendingChoice) => string): Promise<TakeChoiceResult> {
    const raw = await this.redis.get(this.key(id));
    if (raw === null) {
      const done = await this.redis.get(this.doneKey(id));
      return done === null ? { status: "expired" } : { status: "taken", outcome: done };
    }
    const choice = JSON.parse(raw) as PendingChoice;
    if (choice.userId !== userId) return { status: "not_yours" };
    // The DEL is the claim: of two presses racing here, one removes the key and runs the command.
    if ((await this.redis.del(this.key(id))) !== 1) {
      return { status: "taken", outcome: (await this.redis.get(this.doneKey(id))) ?? "already answered" };
    }
    await this.redis.set(this.doneKey(id), outcome(choice), "EX", this.ttlSeconds);
    return { status: "claimed", choice };
  }

  private key(id: string): string {
    return `${this.prefix}acct-choice:${id}`;
  }

  private doneKey(id: string): string {
    return `${this.prefix}acct-choice-done:${id}`;
  }
}
