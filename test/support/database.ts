import { randomBytes } from "node:crypto";
import pg from "pg";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, inject } from "vitest";
import { createDataSource } from "../../src/adapters/db/data-source.js";

export interface TestDatabase {
  /** Initialised DataSource on this file's own database (migrated: cloned from the template). */
  readonly dataSource: DataSource;
  readonly url: string;
  readonly name: string;
}

/** URL of `database` on the test cluster. */
export function databaseUrl(database: string): string {
  const url = new URL(inject("pgAdminUrl"));
  url.pathname = `/${database}`;
  return url.toString();
}

export async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: inject("pgAdminUrl") });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * Gives the calling test file a database of its own, cloned from the migrated template before
 * its tests and dropped after them: files never share state and can run in parallel.
 */
export function useTestDatabase(options: { template?: boolean } = {}): TestDatabase {
  const name = `wr_test_${randomBytes(6).toString("hex")}`;
  const url = databaseUrl(name);
  let dataSource: DataSource | undefined;
  beforeAll(async () => {
    const template = options.template === false ? "template0" : inject("pgTemplate");
    await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    dataSource = createDataSource({ url, poolSize: 20, applicationName: "test" });
    await dataSource.initialize();
  });
  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  return {
    get dataSource() {
      if (!dataSource) throw new Error("the test database is available inside tests and hooks only");
      return dataSource;
    },
    url,
    name,
  };
}
