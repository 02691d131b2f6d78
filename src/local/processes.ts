import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** True when a process with this pid exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The process's command line, or "" when it cannot be read (gone, or not Linux). */
export async function commandLine(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, "utf8")).replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** Waits until the pid has exited; false when it is still alive after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

/**
 * Stops a process by pid, whatever state it is in: already gone (returns at once), running
 * (`signal`, then `forceSignal` after `graceMs`), or stopped with SIGSTOP (SIGCONT lets it act
 * on the signal; SIGKILL works regardless). Never waits on child-process events, which may have
 * fired long ago. Resolves true when the process is gone.
 */
export async function stopProcess(pid: number, options: { signal: NodeJS.Signals; graceMs: number; forceSignal: NodeJS.Signals }): Promise<boolean> {
  // 0 and negative pids address process groups (-1: every process we may signal): never those.
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`not a process id: ${pid}`);
  for (const [signal, waitMs] of [[options.signal, options.graceMs], [options.forceSignal, 3_000], ["SIGKILL", 2_000]] as const) {
    if (!isAlive(pid)) return true;
    sendSignal(pid, signal);
    sendSignal(pid, "SIGCONT");
    if (await waitForExit(pid, waitMs)) return true;
  }
  return !isAlive(pid);
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone meanwhile
  }
}

const stopOnExit = new Map<number, NodeJS.Signals>();
let exitHookInstalled = false;

/**
 * A last line of defence for the local services this process started: whenever it exits
 * (process.exit after a shutdown deadline or a start-up failure included) each one still alive
 * gets `signal`, so no PostgreSQL or redis-server outlives the desk as an orphan. The 'exit'
 * event allows only synchronous work, which kill() is.
 */
export function stopWhenThisProcessExits(pid: number, signal: NodeJS.Signals): () => void {
  stopOnExit.set(pid, signal);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const [leftover, leftoverSignal] of stopOnExit) {
        if (!isAlive(leftover)) continue;
        sendSignal(leftover, leftoverSignal);
        sendSignal(leftover, "SIGCONT");
      }
    });
    // A signal that arrives before the program installs its own handlers (say a Ctrl-C while
    // PostgreSQL starts) would end the process without an 'exit' event. Until someone else
    // handles it, we end the process as the signal would, but through process.exit.
    for (const [name, number] of [["SIGINT", 2], ["SIGTERM", 15], ["SIGHUP", 1]] as const) {
      process.on(name, function endAsTheSignalWould() {
        if (process.listenerCount(name) === 1) process.exit(128 + number);
      });
    }
  }
  return () => stopOnExit.delete(pid);
}

/** Asks the OS for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** True when something already listens on this loopback port. */
export async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(true));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
}

/** The parent pid of a process, or undefined when it cannot be read. */
export async function parentPid(pid: number): Promise<number | undefined> {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after ")".
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const ppid = Number.parseInt(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] ?? "", 10);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A local service (postmaster, redis-server) is "owned" while the node process that spawned it
 * is alive; once that process died (SIGKILL), the service is a leftover to stop and restart.
 */
export async function ownedByLiveNodeProcess(pid: number): Promise<boolean> {
  const ppid = await parentPid(pid);
  if (ppid === undefined || ppid <= 1 || !isAlive(ppid)) return false;
  return /(^|\/)node(\s|$)|tsx/.test(await commandLine(ppid));
}
