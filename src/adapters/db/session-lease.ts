import type pg from "pg";

/**
 * One holder across every process for a named piece of work (the market-data stream: a second
 * worker must not open a second connection with the same keys, which providers refuse or bill).
 * A PostgreSQL session advisory lock on a client kept out of the pool: it is released when that
 * client's session ends, so a crashed holder frees it by itself.
 */
export class SessionLease {
  private client: pg.PoolClient | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly name: string,
    /** Called when the holder's session is lost (another process may hold the lease now): stop the work. */
    private readonly onLost: () => void = () => undefined,
  ) {}

  /** True when this process holds the lease (now or already). */
  async tryAcquire(): Promise<boolean> {
    if (this.client) return true;
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ held: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS held", [this.name]);
      if (!rows[0]?.held) {
        client.release();
        return false;
      }
    } catch (error) {
      client.release(true);
      throw error;
    }
    // A lost session loses the lock: hand the broken client back (the pool drops it) and forget
    // it, so the next try asks again.
    client.on("error", (error) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.release(error);
      this.onLost();
    });
    this.client = client;
    return true;
  }

  /**
   * Gives the lease up: unlocked explicitly, so another process can take it as soon as this
   * resolves (ending a session frees it too, but only once the server has noticed), then the
   * client is dropped rather than reused. Never throws: a broken session has freed the lock anyway.
   */
  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      await client.query("SELECT pg_advisory_unlock(hashtext($1))", [this.name]);
    } catch {
      // The session is gone, and the lock with it.
    } finally {
      client.release(true);
    }
  }
}
