/**
 * The getUpdates queue: update ids grow monotonically (from 1, or on from the last id an earlier
 * lifetime handed out when `ids` keeps them), an offset confirms (drops) older
 * updates, and at most one long poll waits at a time — a second one is the "terminated by other
 * getUpdates request" conflict Telegram reports when two bot instances poll the same token.
 */

export interface QueuedUpdate {
  update_id: number;
  [type: string]: unknown;
}

// Telegram's default when allowed_updates is empty: everything except these.
const OPT_IN_TYPES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

interface ActivePoll {
  wake: () => void;
  signal: AbortSignal;
}

/** Where the last handed-out id is kept between lifetimes. */
export interface UpdateIdStore {
  read(): number;
  write(id: number): void;
}

export class UpdateQueue {
  private queue: QueuedUpdate[] = [];
  private nextId: number;
  private poll: ActivePoll | undefined;
  private closed = false;
  /** Persists between calls, like Telegram's; undefined or [] means the default set. */
  allowedUpdates: string[] | undefined;

  constructor(private readonly ids?: UpdateIdStore) {
    this.nextId = (ids?.read() ?? 0) + 1;
  }

  push(type: string, payload: unknown): number {
    const update_id = this.nextId++;
    this.ids?.write(update_id);
    this.queue.push({ update_id, [type]: payload });
    this.poll?.wake();
    return update_id;
  }

  get pendingCount(): number {
    return this.queue.length;
  }

  /** offset > 0 drops ids below it; a negative offset keeps only the last -offset updates. */
  confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    if (offset < 0) {
      this.queue = this.queue.slice(offset);
    } else {
      this.queue = this.queue.filter((u) => u.update_id >= offset);
    }
  }

  /** Pending updates in order, without confirming them; types the bot did not ask for are dropped. */
  peek(limit: number): QueuedUpdate[] {
    const allowed = this.allowedUpdates?.length ? new Set(this.allowedUpdates) : undefined;
    this.queue = this.queue.filter((u) => {
      const type = Object.keys(u).find((k) => k !== "update_id") ?? "";
      return allowed ? allowed.has(type) : !OPT_IN_TYPES.has(type);
    });
    return this.queue.slice(0, limit);
  }

  clear(): void {
    this.queue = [];
  }

  /**
   * Whether another long poll is still waiting. A client that gave up (grammY's bot.stop() aborts
   * its poll and at once sends a confirming getUpdates) may reach us before its socket's close
   * event does, so a poll whose client left within `graceMs` does not count as a conflict.
   */
  async conflicts(graceMs: number): Promise<boolean> {
    const deadline = Date.now() + graceMs;
    while (this.poll && !this.poll.signal.aborted && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.poll !== undefined && !this.poll.signal.aborted;
  }

  /** Waits until an update arrives, the timeout passes, the client leaves or the queue closes. */
  async wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.closed || signal.aborted || this.queue.length > 0) return;
    await new Promise<void>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", finish);
        if (this.poll === poll) this.poll = undefined;
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      const poll: ActivePoll = { wake: finish, signal };
      signal.addEventListener("abort", finish);
      this.poll = poll;
    });
  }

  /** Answers the pending long poll (with whatever is queued) and makes later polls return at once. */
  close(): void {
    this.closed = true;
    this.poll?.wake();
  }
}
