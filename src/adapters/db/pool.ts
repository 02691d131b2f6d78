import type pg from "pg";
import type { DataSource } from "typeorm";

/**
 * The pg pool under a TypeORM DataSource. Hot-path repositories use it directly with named
 * (prepared) statements: TypeORM's query runner adds a measurable cost per call that the
 * sub-millisecond targets of the price and news look-ups cannot afford.
 */
export function pgPool(dataSource: DataSource): pg.Pool {
  if (!dataSource.isInitialized) throw new Error("the DataSource is not initialised");
  const pool = (dataSource.driver as unknown as { master?: pg.Pool }).master;
  if (!pool) throw new Error("the DataSource has no pg pool");
  return pool;
}

/**
 * Connections a desk process keeps open once opened: enough for the kill-switch checks a burst
 * of ticks sets off (four workers, the urgent lane, the holders query, stops) beside the rest.
 */
export const KEPT_CONNECTIONS = 8;

/**
 * Opens the connections the pool keeps (its `min`, DataSourceOptions.keepConnections) at once,
 * each running a trivial query, and gives them back: they then stay open, so the first burst of
 * work does not pay for connecting.
 */
export async function warmPool(dataSource: DataSource): Promise<void> {
  const pool = pgPool(dataSource);
  const clients = await Promise.all(Array.from({ length: pool.options.min ?? 0 }, () => pool.connect()));
  try {
    await Promise.all(clients.map((c) => c.query("SELECT 1")));
  } finally {
    for (const c of clients) c.release();
  }
}
