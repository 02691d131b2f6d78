import pg from "pg";
import type { DataSource } from "typeorm";

/**
 * The pg pool each DataSource runs on. pg's own `Pool` creates it: `pgDriverFor` gives TypeORM
 * (through its documented `driver` option) a copy of the pg module whose `Pool` class records
 * each pool it constructs here, so TypeORM and the hot paths share one pool and one connection
 * budget, and nothing reads TypeORM's internals. A WeakMap lets a destroyed DataSource go.
 */
const pools = new WeakMap<DataSource, pg.Pool>();

/**
 * The pg module for a DataSource's `driver` option. `owner` is called when TypeORM constructs the
 * pool (during `initialize()`), by which time the DataSource exists. The spread copies pg's
 * enumerable exports only: its lazy `native` getter is not enumerable, so it is neither triggered
 * nor copied, and TypeORM keeps this JavaScript client even where pg-native is installed.
 */
export function pgDriverFor(owner: () => DataSource): typeof pg {
  class RecordingPool extends pg.Pool {
    constructor(config?: pg.PoolConfig) {
      super(config);
      pools.set(owner(), this);
    }
  }
  return { ...pg, Pool: RecordingPool };
}

/**
 * The pg pool under a TypeORM DataSource. Hot-path repositories use it directly with named
 * (prepared) statements: TypeORM's query runner adds a measurable cost per call that the
 * sub-millisecond targets of the price and news look-ups cannot afford. TypeORM ends this pool
 * in `destroy()`.
 */
export function pgPool(dataSource: DataSource): pg.Pool {
  if (!dataSource.isInitialized) throw new Error("the DataSource is not initialised");
  const pool = pools.get(dataSource);
  if (!pool) throw new Error("the DataSource has no pg pool: create it with createDataSource (data-source.ts)");
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
