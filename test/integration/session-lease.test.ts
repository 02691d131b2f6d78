import { describe, expect, it } from "vitest";
import { pgPool } from "../../src/adapters/db/pool.js";
import { SessionLease } from "../../src/adapters/db/session-lease.js";
import { useTestDatabase } from "../support/database.js";

const db = useTestDatabase();

describe("the session lease that picks the one process streaming market data", () => {
  it("is held by one process at a time and passes on when the holder lets go or its session dies", async () => {
    const pool = pgPool(db.dataSource);
    const first = new SessionLease(pool, "war-room:test-lease");
    let lost = 0;
    const second = new SessionLease(pool, "war-room:test-lease", () => (lost += 1));
    expect(await first.tryAcquire()).toBe(true);
    expect(await first.tryAcquire()).toBe(true); // already held
    expect(await second.tryAcquire()).toBe(false);
    await first.release();
    expect(await second.tryAcquire()).toBe(true);

    // The holder's session is killed (a crashed worker): the lock goes with it.
    await db.dataSource.query(
      `SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objid = (hashtext('war-room:test-lease')::bigint & 4294967295)`,
    );
    const third = new SessionLease(pool, "war-room:test-lease");
    await expect.poll(() => third.tryAcquire(), { interval: 20, timeout: 5000 }).toBe(true);
    await expect.poll(() => lost, { interval: 20, timeout: 5000 }).toBe(1); // the holder is told to stop
    await third.release();
    await second.release();
  });
});
