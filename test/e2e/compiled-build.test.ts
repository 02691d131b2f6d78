import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitOf, spawnNpm, stopLeftovers, waitForOutput } from "../support/spawn.js";

// The production image's program: `npm run build` (tsc, tsconfig.build.json) and plain node, no
// tsx. The build goes to an outDir of this file's own, so it races no other test over dist/. It
// lives under data/ (inside the project) because the compiled code finds what the image gives it
// beside dist/ by walking up: node_modules, package.json ("type": "module") and demo/.
const outDir = mkdtempSync(join(resolve("data"), "e2e-compiled-"));
const dataDir = mkdtempSync(join(resolve("data"), "e2e-compiled-data-"));
const children: ChildProcess[] = [];
afterAll(async () => {
  await stopLeftovers(children);
  rmSync(outDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs a compiled file with node alone, the way the image's CMD does. */
function spawnCompiled(file: string, env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [file], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", LOG_LEVEL: "info", NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}

/** The image's paths (dist/...) inside this test's outDir. */
function built(imagePath: string): string {
  expect(imagePath).toMatch(/^dist\//);
  return join(outDir, imagePath.slice("dist/".length));
}

/** The JSON arrays of a file's exec-form lines that start with `prefix` (Dockerfile CMD, compose command:). */
function execForms(file: string, prefix: RegExp): string[][] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => prefix.test(line))
    .map((line) => JSON.parse(line.slice(line.indexOf("["))) as string[]);
}

function rejectAfter(ms: number, what: () => string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(what())), ms).unref());
}

beforeAll(async () => {
  const build = spawnNpm(["run", "build", "--", "--outDir", outDir], {});
  children.push(build);
  const code = await exitOf(build);
  if (code !== 0) throw new Error(`npm run build failed (${code}):\n${build.output()}`);
}, 300_000);

describe("the compiled build (production image)", () => {
  it("holds every entry point the Dockerfile, docker-compose.yml and npm run start:prod name", () => {
    const [cmd] = execForms("Dockerfile", /^CMD \[/);
    expect(cmd?.[0]).toBe("node");
    const composeCommands = execForms("docker-compose.yml", /^\s+command: \["node"/);
    expect(composeCommands.map((command) => command[1])).toEqual(["dist/src/main/migrate.js", "dist/src/main/bot.js", "dist/src/main/worker.js"]);
    const startProd = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts["start:prod"];
    for (const file of [cmd![1]!, ...composeCommands.map((command) => command[1]!), startProd!.split(" ").at(-1)!]) {
      expect(existsSync(built(file)), file).toBe(true);
    }
  });

  it("runs the whole desk with plain node: ready, the image's HEALTHCHECK passes, SIGTERM stops it cleanly", { timeout: 240_000 }, async () => {
    const [cmd] = execForms("Dockerfile", /^CMD \[/);
    const desk = spawnCompiled(built(cmd![1]!), { DATA_DIR: dataDir, LOCAL_PG_PORT: "0", LOCAL_REDIS_PORT: "0", HTTP_PORT: "0" });
    await waitForOutput(desk, /War Room is ready/, 150_000);
    // demo/prices resolved from the project root, not from beside the compiled module.
    expect(desk.output()).toContain("replaying demo prices");

    // The Dockerfile's HEALTHCHECK command itself, pointed at the port the desk picked.
    const port = /"http":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(desk.output())?.[1];
    expect(port).toBeDefined();
    const [healthcheck] = execForms("Dockerfile", /^\s+CMD \["node", "-e"/);
    expect(healthcheck?.[0]).toBe("node");
    const probe = spawn(process.execPath, healthcheck!.slice(1), { env: { PATH: process.env.PATH ?? "", HTTP_PORT: port! }, stdio: "ignore" });
    expect(await exitOf(probe)).toBe(0);

    desk.kill("SIGTERM");
    const code = await Promise.race([exitOf(desk), rejectAfter(30_000, () => `no exit within 30 s of SIGTERM:\n${desk.output()}`)]);
    expect(code).toBe(0);
    expect(desk.output()).toContain("stopped cleanly");

    // And the probe fails once nothing answers, so a dead desk is reported unhealthy.
    const deadProbe = spawn(process.execPath, healthcheck!.slice(1), { env: { PATH: process.env.PATH ?? "", HTTP_PORT: port! }, stdio: "ignore" });
    expect(await exitOf(deadProbe)).toBe(1);
  });
});
