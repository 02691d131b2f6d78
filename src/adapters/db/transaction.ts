import type pg from "pg";

/**
 * Runs `work` on one connection inside BEGIN/COMMIT; any error rolls the whole thing back.
 * `settings` are applied with SET LOCAL in the same round trip as BEGIN.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, settings: Record<string, string> = {}): Promise<T> {
  const client = await pool.connect();
  try {
    const local = Object.entries(settings).map(([name, value]) => `; SET LOCAL ${name} = '${value.replaceAll("'", "''")}'`);
    await client.query(`BEGIN${local.join("")}`);
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Splits `items` into consecutive slices of at most `size`. */
export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
