import { describe, expect, it } from "vitest";
import { pgPool } from "../../src/adapters/db/pool.js";
import { inTransaction } from "../../src/adapters/db/transaction.js";
import { adminQuery, useTestDatabase } from "../support/database.js";

const db = useTestDatabase();

describe("a PostgreSQL connection lost in the middle of a transaction", () => {
  it("fails that transaction with the cause, does not end the process, and the pool serves the next one", async () => {
    const pool = pgPool(db.dataSource);
    const attempt = inTransaction(pool, async (client) => {
      const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      // The server goes away while the transaction waits on something else (a broker call under
      // the kill-switch lock): the client's 'error' fires with no query of ours running.
      const ended = new Promise((done) => (client as unknown as { connection: NodeJS.EventEmitter }).connection.once("end", done));
      await adminQuery(`SELECT pg_terminate_backend(${rows[0]!.pid})`);
      await ended;
      await client.query("SELECT 1");
    });
    await expect(attempt).rejects.toThrow(/terminat|not queryable|Connection/i);
    // Without a listener on the checked-out client, the 'error' above was an uncaught exception and
    // vitest fails the run; here the pool hands out a healthy connection next.
    const rows = await inTransaction(pool, async (client) => (await client.query<{ ok: number }>("SELECT 1 AS ok")).rows);
    expect(rows).toEqual([{ ok: 1 }]);
  });
});
