import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { delimiter, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import type { Logger } from "../logger.js";
import { commandLine, freePort, isAlive, ownedByLiveNodeProcess, portInUse, stopProcess, stopWhenThisProcessExits } from "./processes.js";

export interface LocalRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface LocalRedisOptions {
  /** The server's files live in `<dataDir>/redis`. */
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  log: Logger;
  /** Append-only persistence, so queued jobs survive a restart. Off for throwaway servers. */
  persistent: boolean;
  /** Install Debian's redis-server package when it is missing (root on Debian only). */
  autoInstall: boolean;
}

export class RedisServerMissingError extends Error {
  constructor(detail: string) {
    super(
      `redis-server was not found on PATH${detail}.\n` +
        "Get it with one of:\n" +
        "  sudo apt-get install -y redis-server            # Debian/Ubuntu\n" +
        "  docker compose up -d redis && export REDIS_URL=redis://localhost:6379\n" +
        "or point REDIS_URL at a Redis 7 server you already run.",
    );
    this.name = "RedisServerMissingError";
  }
}

/** Spawns `redis-server` from PATH on a private loopback port and stops it on `stop()`. */
export async function startRedisServer(options: LocalRedisOptions): Promise<LocalRedis> {
  const { log } = options;
  const binary = findOrInstallRedis(options);
  const dir = resolve(options.dataDir, "redis");
  await mkdir(dir, { recursive: true });
  const pidFile = join(dir, "redis.pid");
  const portFile = join(dir, "redis.port");
  const sharedPort = await inspectRedis(pidFile, portFile, log);
  if (sharedPort !== undefined) {
    // Another War Room process (say `npm start`) runs this server: use it, and leave it running.
    log.info({ port: sharedPort }, "using the redis-server another War Room process runs");
    return { url: `redis://127.0.0.1:${sharedPort}`, port: sharedPort, stop: () => Promise.resolve() };
  }

  const port = options.port === 0 ? await freePort() : options.port;
  if (await portInUse(port)) {
    throw new Error(`port ${port} for the local redis-server is already in use; set LOCAL_REDIS_PORT to a free port (0 picks one)`);
  }
  const args = [
    "--port", String(port),
    "--bind", "127.0.0.1",
    "--protected-mode", "yes",
    "--dir", dir,
    "--pidfile", pidFile,
    "--daemonize", "no",
    "--save", "",
    "--appendonly", options.persistent ? "yes" : "no",
    // BullMQ requires that Redis never evicts keys.
    "--maxmemory-policy", "noeviction",
    "--loglevel", "warning",
  ];
  // Its own process group: a Ctrl-C in the terminal must not stop Redis before the workers that
  // use it have closed. We stop it last; a leftover after SIGKILL is found through the pid file.
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    output.push(chunk.toString("utf8"));
    if (output.length > 50) output.shift();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  const url = `redis://127.0.0.1:${port}`;
  const pid = child.pid;
  if (pid === undefined) throw new Error(`redis-server could not be started (${binary})`);
  const forget = stopWhenThisProcessExits(pid, "SIGTERM");
  await waitUntilReady(url, child, pid, output);
  await writeFile(portFile, String(port));
  log.info({ port, persistent: options.persistent }, "local redis-server is running");

  let stopped: Promise<void> | undefined;
  // By pid, not by the child's 'exit' event: after an outage (redis-server killed) that event
  // fired long ago, and waiting for it again hung the shutdown.
  const stop = async () => {
    if (!(await stopProcess(pid, { signal: "SIGTERM", graceMs: 5_000, forceSignal: "SIGKILL" }))) {
      throw new Error(`redis-server (pid ${pid}) did not stop`);
    }
    forget();
  };
  return { url, port, stop: () => (stopped ??= stop()) };
}

async function waitUntilReady(url: string, child: ChildProcess, pid: number, output: string[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server exited (${child.exitCode ?? child.signalCode}):\n${output.join("")}`);
    }
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === "PONG") return;
    } catch {
      // not listening yet
    } finally {
      probe.disconnect();
    }
    await sleep(50);
  }
  await stopProcess(pid, { signal: "SIGKILL", graceMs: 2_000, forceSignal: "SIGKILL" });
  throw new Error(`redis-server did not become ready within 15 s:\n${output.join("")}`);
}

/**
 * Finds the redis-server of an earlier run through its pid file. One whose War Room process is
 * alive is shared (its port is returned); one left behind by a process killed with SIGKILL is
 * stopped so that we can start and own a new one.
 */
async function inspectRedis(pidFile: string, portFile: string, log: Logger): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number.parseInt(await readFile(pidFile, "utf8"), 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  if (!(await commandLine(pid)).includes("redis-server")) return undefined; // pid reused by another program
  if (await ownedByLiveNodeProcess(pid)) {
    const port = Number.parseInt(await readFile(portFile, "utf8").catch(() => ""), 10);
    if (Number.isInteger(port) && port > 0) return port;
  }
  log.warn({ pid }, "stopping a redis-server left running by an earlier process");
  await stopProcess(pid, { signal: "SIGTERM", graceMs: 10_000, forceSignal: "SIGKILL" });
  return undefined;
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  for (const dir of ["/usr/bin", "/usr/local/bin", "/usr/sbin"]) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * On a Debian-like machine where we are root, installing the package is the obvious next step,
 * so we do it ourselves and say so first (AUTO_INSTALL_REDIS=0 turns this off). Anywhere else
 * we stop with the exact command to run.
 */
function findOrInstallRedis(options: LocalRedisOptions): string {
  const found = findOnPath("redis-server");
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  const hasApt = findOnPath("apt-get") !== undefined;
  if (!options.autoInstall) throw new RedisServerMissingError(" and AUTO_INSTALL_REDIS=0");
  if (!isRoot || !hasApt) throw new RedisServerMissingError(isRoot ? " and this machine has no apt-get" : "");
  options.log.warn("redis-server is missing: installing Debian's redis-server package (apt-get update && apt-get install -y redis-server)");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", "redis-server"]]) {
    const result = spawnSync("apt-get", args, { stdio: ["ignore", "inherit", "inherit"], env });
    if (result.status !== 0) throw new RedisServerMissingError(` and \`apt-get ${args.join(" ")}\` failed`);
  }
  const installed = findOnPath("redis-server");
  if (!installed) throw new RedisServerMissingError(" even after installing the package");
  return installed;
}
