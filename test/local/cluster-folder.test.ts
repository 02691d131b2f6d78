import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { classifyClusterFolder, INITIALISED_MARKER } from "../../src/local/postgres-cluster.js";

// Issue 12: an unfinished first initdb is re-initialised, and a cluster that holds data never is.
// These are the folder states the rule must tell apart (a real interrupted initdb is exercised in
// test/e2e/interrupted-first-start.test.ts).
const root = mkdtempSync(join(resolve("data"), "cluster-folder-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A cluster folder with the given files (paths relative to it; a trailing / makes a folder). */
function folder(entries: string[]): string {
  const dir = join(root, String(++n));
  mkdirSync(dir);
  for (const entry of entries) {
    if (entry.endsWith("/")) mkdirSync(join(dir, entry), { recursive: true });
    else {
      mkdirSync(join(dir, entry, ".."), { recursive: true });
      writeFileSync(join(dir, entry), "");
    }
  }
  return dir;
}

// What initdb has written by the time it is cut off in bootstrap: system OIDs only.
const initdbSoFar = ["PG_VERSION", "global/pg_control", "global/1262", "base/1/1259", "base/1/2619", "pg_tblspc/"];

describe("classifyClusterFolder", () => {
  it("absent when there is no folder", async () => {
    expect(await classifyClusterFolder(join(root, "none"))).toBe("absent");
  });

  it("unfinished: an empty folder, one without PG_VERSION, or one with nothing but initdb's own objects", async () => {
    expect(await classifyClusterFolder(folder([]))).toBe("unfinished");
    expect(await classifyClusterFolder(folder(["global/pg_control"]))).toBe("unfinished");
    expect(await classifyClusterFolder(folder(initdbSoFar))).toBe("unfinished");
    expect(await classifyClusterFolder(folder([...initdbSoFar, "base/4/1259", "base/5/1259"]))).toBe("unfinished");
  });

  it("initialised whenever it carries the marker, whatever else it looks like", async () => {
    expect(await classifyClusterFolder(folder([INITIALISED_MARKER]))).toBe("initialised");
    expect(await classifyClusterFolder(folder([...initdbSoFar, INITIALISED_MARKER]))).toBe("initialised");
  });

  it("initialised (never touched) without the marker as soon as anything a user created is there", async () => {
    // a database (the desk's own `warroom`), a table in a system database, a tablespace
    expect(await classifyClusterFolder(folder([...initdbSoFar, "base/16384/1259"]))).toBe("initialised");
    expect(await classifyClusterFolder(folder([...initdbSoFar, "base/5/16390"]))).toBe("initialised");
    expect(await classifyClusterFolder(folder([...initdbSoFar, "base/5/16390_fsm"]))).toBe("initialised");
    expect(await classifyClusterFolder(folder([...initdbSoFar, "pg_tblspc/16500"]))).toBe("initialised");
  });
});
