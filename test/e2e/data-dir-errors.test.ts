import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runEntry } from "../support/spawn.js";

// Issue 12: start-up errors must name the setting. A DATA_DIR that is a file, cannot be created
// or cannot be written gets one plain line naming DATA_DIR, a non-zero exit, and no stack.
const scratch = mkdtempSync(join(resolve("data"), "e2e-data-dir-"));
chmodSync(scratch, 0o755);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const env = (dataDir: string) => ({ DATA_DIR: dataDir, LOCAL_PG_PORT: "0", LOCAL_REDIS_PORT: "0", HTTP_PORT: "0" });
const STACK_FRAME = /^\s+at /m;

describe("a DATA_DIR the desk cannot use", () => {
  it("is a file: says so, naming DATA_DIR as configured", async () => {
    const file = join(scratch, "x");
    writeFileSync(file, "not a folder");
    const result = await runEntry("src/main/start.ts", [], env(file));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(`War Room could not start: DATA_DIR (${file}) is a file, not a folder`);
    expect(result.output).not.toMatch(STACK_FRAME);
  });

  it("cannot be created (a part of its path is a file)", async () => {
    const file = join(scratch, "y");
    writeFileSync(file, "not a folder");
    const result = await runEntry("src/main/start.ts", [], env(join(file, "data")));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(`DATA_DIR (${join(file, "data")}) cannot be created: a part of the path is a file, not a folder`);
    expect(result.output).not.toMatch(STACK_FRAME);
  });

  it("is not writable by the user the desk runs as", async () => {
    const locked = join(scratch, "locked");
    mkdirSync(locked, { mode: 0o755 });
    // Root writes anywhere, so as root the desk runs as `nobody` here; anyone else gets a folder without write permission.
    const asRoot = process.getuid?.() === 0;
    if (!asRoot) chmodSync(locked, 0o555);
    const user = asRoot ? { uid: 65534, gid: 65534 } : undefined;
    const result = await runEntry("src/main/start.ts", [], { ...env(locked), HOME: "/tmp" }, { user });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(`DATA_DIR (${locked}) is not writable: permission denied for this user`);
    expect(result.output).not.toMatch(STACK_FRAME);
  });
});
