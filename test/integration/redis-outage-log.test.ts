import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { JOB_NAMES } from "../../jobs/names.js";
import { startJobRunner } from "../../src/adapters/queue/job-runner.js";
import { createRedisOutageLog } from "../../src/adapters/redis/outage-log.js";
import { startRedisServer, type LocalRedis } from "../../src/local/redis-server.js";
import { createLogger } from "../../src/logger.js";

/** A logger whose lines are kept, parsed, for the test to count. */
function capturedLogger() {
  const lines: { level: number; msg: string }[] = [];
  const stream = { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) };
  return { log: pino({ level: "info" }, stream), lines };
}

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a Redis outage under the job runner", () => {
  it("is logged once when it starts and once when it ends, not once per reconnect of every connection", async () => {
    dir = await mkdtemp(join(tmpdir(), "wr-redis-outage-"));
    const quiet = createLogger("silent");
    let server: LocalRedis = await startRedisServer({ dataDir: dir, port: 0, log: quiet, persistent: false, autoInstall: false });
    const port = Number(new URL(server.url).port);
    const { log, lines } = capturedLogger();
    const consoleError = vi.spyOn(console, "error");
    // Eight stand-in processors under real job names (the runner takes only the desk's jobs), in this test's own prefix.
    const definitions = JOB_NAMES.slice(0, 8).map((name) => ({ name, payload: z.object({}), process: () => Promise.resolve(undefined) }));
    const runner = await startJobRunner({ redisUrl: server.url, prefix: "outage-test", definitions, log, outage: createRedisOutageLog(log, { summaryEveryMs: 3_600_000 }) });

    // A witness connection with the same reconnect behaviour counts the errors every connection sees.
    const witness = new Redis(server.url, { maxRetriesPerRequest: null });
    let witnessed = 0;
    const enoughErrors = new Promise<void>((done) => witness.on("error", () => ++witnessed >= 8 && done()));
    await server.stop();
    await enoughErrors;

    const redisLines = lines.filter((l) => /redis/i.test(l.msg));
    expect(redisLines.map((l) => l.msg)).toEqual(["redis unreachable; repeats are summarised every 3600 s"]);
    expect(consoleError).not.toHaveBeenCalled();

    server = await startRedisServer({ dataDir: dir, port, log: quiet, persistent: false, autoInstall: false });
    await vi.waitFor(() => expect(lines.some((l) => l.msg === "redis reachable again")).toBe(true), { timeout: 20_000, interval: 50 });
    witness.disconnect();
    await runner.close();
    await server.stop();
    consoleError.mockRestore();
  });
});
