import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deleteDataDir, startEmbeddedPostgres } from "../../src/local/embedded-postgres.js";
import { provideInfrastructure } from "../../src/local/infrastructure.js";
import { isAlive } from "../../src/local/processes.js";
import { startRedisServer } from "../../src/local/redis-server.js";
import { createLogger } from "../../src/logger.js";
import type { Config } from "../../src/config/load.js";

// Issue 12: "After a Redis outage, SIGTERM hangs 30 s and leaves PostgreSQL running (`stopChild`
// waits for an 'exit' that already fired)". Each local service's stop() must return whatever
// state the process is in, and stopping both must stop both.
const log = createLogger("silent", "test");
const scratch = mkdtempSync(join(resolve("data"), "local-stop-"));
const dataDirs: string[] = [];
afterAll(async () => {
  // deleteDataDir: as root the clusters may live outside (scratch is mode 700, out of the postgres user's reach).
  for (const dir of dataDirs) await deleteDataDir(dir);
  rmSync(scratch, { recursive: true, force: true });
});
const freshDir = () => {
  const dir = join(scratch, String(dataDirs.length + 1));
  dataDirs.push(dir);
  return dir;
};

describe("stopping the local redis-server", () => {
  it("returns at once when it was killed earlier (an outage): the exit it waits for already happened", async () => {
    const dataDir = freshDir();
    const redis = await startRedisServer({ dataDir, port: 0, log, persistent: false, autoInstall: false });
    const pid = redisPid(dataDir);
    process.kill(pid, "SIGKILL");
    await untilDead(pid);
    await redis.stop(); // before the fix: never resolved (the test times out)
    expect(isAlive(pid)).toBe(false);
  });

  it("stops one that hangs (SIGSTOP), and one that runs", async () => {
    const [hungDir, runningDir] = [freshDir(), freshDir()];
    const hung = await startRedisServer({ dataDir: hungDir, port: 0, log, persistent: false, autoInstall: false });
    const running = await startRedisServer({ dataDir: runningDir, port: 0, log, persistent: false, autoInstall: false });
    const [hungPid, runningPid] = [redisPid(hungDir), redisPid(runningDir)];
    process.kill(hungPid, "SIGSTOP");
    await Promise.all([hung.stop(), running.stop()]);
    expect(isAlive(hungPid)).toBe(false);
    expect(isAlive(runningPid)).toBe(false);
  });
});

describe("stopping the local services together", () => {
  it("stops PostgreSQL even though redis-server died before (no child outlives the stop)", { timeout: 60_000 }, async () => {
    const dataDir = freshDir();
    const config = { dataDir, database: { url: undefined, localPort: 0 }, redis: { url: undefined, localPort: 0, autoInstall: false } } as unknown as Config;
    const infrastructure = await provideInfrastructure(config, log, { withRedis: true });
    const postgres = postmasterPid(join(dataDir, "postgres"));
    const redis = redisPid(dataDir);
    expect(isAlive(postgres) && isAlive(redis)).toBe(true);
    process.kill(redis, "SIGKILL");
    await untilDead(redis);

    await infrastructure.stop();
    expect(isAlive(postgres)).toBe(false);
  });

  it("stops a PostgreSQL that was killed or hung", { timeout: 60_000 }, async () => {
    const killed = await startEmbeddedPostgres({ dataDir: freshDir(), port: 0, log, durable: false });
    const hung = await startEmbeddedPostgres({ dataDir: freshDir(), port: 0, log, durable: false });
    const killedPid = postmasterPid(killed.clusterDir);
    const hungPid = postmasterPid(hung.clusterDir);
    process.kill(killedPid, "SIGKILL");
    process.kill(hungPid, "SIGSTOP");
    await Promise.all([killed.stop(), hung.stop()]);
    expect(isAlive(killedPid)).toBe(false);
    expect(isAlive(hungPid)).toBe(false);
  });
});

/** The server's pid from the pid file it writes itself (first line). */
function pidIn(file: string): number {
  const pid = Number.parseInt(readFileSync(file, "utf8").split("\n")[0] ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid in ${file}`);
  return pid;
}
const redisPid = (dataDir: string) => pidIn(join(dataDir, "redis", "redis.pid"));
const postmasterPid = (clusterDir: string) => pidIn(join(clusterDir, "postmaster.pid"));

async function untilDead(pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`${pid} did not die`);
    await new Promise((next) => setTimeout(next, 20));
  }
}
