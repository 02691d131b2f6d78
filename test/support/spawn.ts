import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

const TSX_LOADER = resolve("node_modules/tsx/dist/loader.mjs");

/** Starts one of the project's entry points the way `npm run` does (node + the tsx loader), without npm in between. */
export function spawnEntry(
  entry: string,
  args: string[],
  env: Record<string, string>,
  options: { ownProcessGroup?: boolean } = {},
): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ["--import", TSX_LOADER, entry, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, like a program in a terminal: a signal to the group reaches its children too.
    detached: options.ownProcessGroup ?? false,
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}

/** Runs an entry point to completion. */
export async function runEntry(entry: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawnEntry(entry, args, env);
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
