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
