import type pg from "pg";

/**
 * Runs `work` on one connection inside BEGIN/COMMIT; any error rolls the whole thing back.
 * `settings` are applied with SET LOCAL in the same round trip as BEGIN.
 *
 * While checked out, the client has a listener for its 'error' event: a server that dies or a
 * connection cut while `work` waits on something else (a broker call under the kill-switch
 * lock) would otherwise emit an error nobody listens to, and Node ends the process. The broken
 * connection is then destroyed rather than returned to the pool.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, settings: Record<string, string> = {}): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on("error", onError);
  try {
    const local = Object.entries(settings).map(([name, value]) => `; SET LOCAL ${name} = '${value.replaceAll("'", "''")}'`);
    await client.query(`BEGIN${local.join("")}`);
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    if (!broken) await client.query("ROLLBACK").catch((rollbackError: unknown) => (broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))));
    throw error;
  } finally {
    client.removeListener("error", onError);
    client.release(broken);
  }
}

/** Splits `items` into consecutive slices of at most `size`. */
export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
