import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { runEntry } from "../support/spawn.js";

const db = useTestDatabase();
const { url: redisUrl } = useTestRedis();
const dataDir = mkdtempSync(join(resolve("data"), "e2e-settings-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** What an operator must see: one line naming the setting, no stack trace, no password. */
function expectPlainStartupError(output: string, message: RegExp): void {
  expect(output).toMatch(message);
  expect(output).not.toMatch(/^\s+at /m);
}

describe("start-up errors name the setting to change", () => {
  it("an unreachable DATABASE_URL", { timeout: 60_000 }, async () => {
    const { code, output } = await runEntry("src/main/start.ts", [], { DATA_DIR: dataDir, DATABASE_URL: "postgres://desk:s3cret-pw@127.0.0.1:9/warroom", REDIS_URL: redisUrl, HTTP_PORT: "0" });
    expect(code).toBe(1);
    expectPlainStartupError(output, /War Room could not start: PostgreSQL at postgres:\/\/desk:\*\*\*@127\.0\.0\.1:9\/warroom is unreachable \(connect ECONNREFUSED 127\.0\.0\.1:9\): check DATABASE_URL/);
    expect(output).not.toContain("s3cret-pw");
  });

  it("an HTTP_PORT already in use", { timeout: 90_000 }, async () => {
    const squatter: Server = createServer();
    const port = await new Promise<number>((done) => squatter.listen(0, "127.0.0.1", () => done((squatter.address() as { port: number }).port)));
    try {
      const { code, output } = await runEntry("src/main/start.ts", [], { DATA_DIR: dataDir, DATABASE_URL: db.url, REDIS_URL: redisUrl, HTTP_PORT: String(port), MARKET_DATA: "none" });
      expect(code).toBe(1);
      expectPlainStartupError(output, new RegExp(`War Room could not start: HTTP_PORT ${port} is already in use on 127\\.0\\.0\\.1: stop what listens there or set HTTP_PORT to a free port`));
    } finally {
      squatter.close();
    }
  });
});
