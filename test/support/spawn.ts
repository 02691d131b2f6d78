import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

const TSX_LOADER = resolve("node_modules/tsx/dist/loader.mjs");

/** Starts one of the project's entry points the way `npm run` does (node + the tsx loader), without npm in between. */
export function spawnEntry(
  entry: string,
  args: string[],
  env: Record<string, string>,
  options: { ownProcessGroup?: boolean; user?: { uid: number; gid: number } } = {},
): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ["--import", TSX_LOADER, entry, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    ...options.user,
    // Its own process group, like a program in a terminal: a signal to the group reaches its children too.
    detached: options.ownProcessGroup ?? false,
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}

/** Runs an entry point to completion. */
export async function runEntry(
  entry: string,
  args: string[],
  env: Record<string, string>,
  options: { user?: { uid: number; gid: number } } = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawnEntry(entry, args, env, options);
  const code = await new Promise<number | null>((done) => child.on("exit", (c) => done(c)));
  return { code, output: child.output() };
}

/** Resolves when `pattern` appears in the child's output; rejects if it exits first or on timeout. */
export function waitForOutput(child: ChildProcess & { output: () => string }, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const timer = setInterval(() => {
      if (pattern.test(child.output())) finish();
      else if (child.exitCode !== null) finish(new Error(`exited with ${child.exitCode} before ${pattern}:\n${child.output()}`));
    }, 50);
    const timeout = setTimeout(() => finish(new Error(`no ${pattern} within ${timeoutMs} ms:\n${child.output()}`)), timeoutMs);
    function finish(error?: Error) {
      clearInterval(timer);
      clearTimeout(timeout);
      if (error) reject(error);
      else resolvePromise();
    }
  });
}

/**
 * Starts an npm script the way an operator does (`npm start`), so that the signal path through
 * npm is the one under test. `ownProcessGroup` makes npm the leader of a group, like a program in
 * a terminal, so that a test can send a Ctrl-C to the whole group.
 */
export function spawnNpm(
  script: string[],
  env: Record<string, string>,
  options: { cwd?: string; ownProcessGroup?: boolean } = {},
): ChildProcess & { output: () => string } {
  const child = spawn("npm", script, {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/root",
      LOG_LEVEL: "info",
      npm_config_update_notifier: "false",
      npm_config_fund: "false",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.ownProcessGroup ?? false,
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}

/** Resolves with the exit code (or the signal's name) once the child has exited. */
export function exitOf(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode ?? "unknown");
  return new Promise((done) => child.once("exit", (code, signal) => done(code ?? signal ?? "unknown")));
}

/** Every live process below `pid` (children, grandchildren, ...), read from /proc. */
export function descendantsOf(pid: number): { pid: number; command: string }[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited while we looked
    }
  }
  const found: { pid: number; command: string }[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid !== parent) continue;
      let command = "";
      try {
        command = readFileSync(`/proc/${child}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      } catch {
        // exited while we looked
      }
      found.push({ pid: child, command });
      visit(child);
    }
  };
  visit(pid);
  return found;
}

/** Polls `condition` until it holds; rejects with `what` when it still does not after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((next) => setTimeout(next, 20));
  }
}

/** For afterAll: a desk a failed test left running gets a SIGTERM, so no test leaves a desk behind. */
export async function stopLeftovers(children: ChildProcess[]): Promise<void> {
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
  for (const child of running) child.kill("SIGTERM");
  await Promise.all(running.map((child) => Promise.race([exitOf(child), new Promise((done) => setTimeout(done, 30_000))])));
}
