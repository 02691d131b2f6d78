import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { createDataSource, migrateUp } from "../../src/adapters/db/data-source.js";
import { deleteDataDir, startEmbeddedPostgres, type LocalPostgres } from "../../src/local/embedded-postgres.js";
import { startRedisServer, type LocalRedis } from "../../src/local/redis-server.js";
import { isAlive, waitForExit } from "../../src/local/processes.js";
import { createLogger } from "../../src/logger.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Maintenance-database URL of the test cluster (CREATE/DROP DATABASE go through it). */
    pgAdminUrl: string;
    /** Migrated database each test file clones its own database from. */
    pgTemplate: string;
    redisUrl: string;
  }
}

export const TEMPLATE_DATABASE = "warroom_test_template";

/**
 * Starts the real services once per `npm test`: embedded PostgreSQL (or TEST_DATABASE_URL's
 * server) and a spawned redis-server (or TEST_REDIS_URL), through the same helpers `npm start`
 * uses, so a missing redis-server is handled the same way.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? "warn", "test-setup");
  // A folder per run: parallel runs (two terminals, an editor's test runner) never share a cluster.
  const testRoot = resolve("data", "test");
  await removeLeftoverRuns(testRoot);
  const dataDir = resolve(testRoot, String(process.pid));
  let postgres: LocalPostgres | undefined;
  let redis: LocalRedis | undefined;
  try {
    let adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) {
      // Commit timestamps let the kill-switch race test order transactions by commit, not by wall clock.
      postgres = await startEmbeddedPostgres({ dataDir, port: 0, log, durable: false, settings: { track_commit_timestamp: "on" } });
      adminUrl = postgres.adminUrl;
    }
    await createTemplate(adminUrl);

    let redisUrl = process.env.TEST_REDIS_URL;
    if (!redisUrl) {
      redis = await startRedisServer({ dataDir, port: 0, log, persistent: false, autoInstall: process.env.AUTO_INSTALL_REDIS !== "0" });
      redisUrl = redis.url;
    }
    project.provide("pgAdminUrl", adminUrl);
    project.provide("pgTemplate", TEMPLATE_DATABASE);
    project.provide("redisUrl", redisUrl);
  } catch (error) {
    await redis?.stop();
    await postgres?.stop();
    throw error;
  }
  return async () => {
    await redis?.stop();
    await postgres?.stop();
    await deleteDataDir(dataDir);
  };
}

/** Folders of earlier runs whose process is gone (killed mid-run): stop what they left running, then delete them. */
async function removeLeftoverRuns(root: string): Promise<void> {
  const entries = await readdir(root).catch(() => [] as string[]);
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || isAlive(pid)) continue;
    for (const pidFile of [join(root, entry, "postgres", "postmaster.pid"), join(root, entry, "redis", "redis.pid")]) {
      const leftover = Number.parseInt((await readFile(pidFile, "utf8").catch(() => "")).split("\n")[0] ?? "", 10);
      if (Number.isInteger(leftover) && leftover > 0 && isAlive(leftover)) {
        process.kill(leftover, "SIGQUIT");
        await waitForExit(leftover, 10_000);
      }
    }
    await deleteDataDir(join(root, entry));
  }
}

async function createTemplate(adminUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${TEMPLATE_DATABASE}`;
  const dataSource = createDataSource({ url: url.toString(), poolSize: 1, applicationName: "test-template" });
  await dataSource.initialize();
  try {
    await migrateUp(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
