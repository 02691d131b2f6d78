import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useTestRedis } from "../support/redis.js";
import { runEntry, spawnEntry, waitForOutput } from "../support/spawn.js";

const { url: redisUrl } = useTestRedis();
const token = randomBytes(24).toString("base64url");
let dataDir: string | undefined;

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** `npm start` in zero-configuration mode: embedded PostgreSQL under dataDir. */
async function startDesk(dir: string): Promise<{ child: ReturnType<typeof spawnEntry>; api: string }> {
  const child = spawnEntry("src/main/start.ts", [], { DATA_DIR: dir, REDIS_URL: redisUrl, API_TOKEN: token, HTTP_PORT: "0" });
  await waitForOutput(child, /War Room is ready/, 90_000);
  const api = /"http":"(http:\/\/[^"]+)"/.exec(child.output())?.[1];
  if (!api) throw new Error(`no HTTP address in:\n${child.output()}`);
  return { child, api };
}

async function stop(child: ReturnType<typeof spawnEntry>): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  child.kill("SIGTERM");
  await exited;
}

async function call(api: string, path: string, body?: unknown): Promise<{ status: number; json: { accounts: { accountId: string; state: string; reason: string }[] } }> {
  const response = await fetch(`${api}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as never };
}

describe("backup beside a running desk, restore after it stopped (embedded PostgreSQL)", () => {
  it("backs up while npm start runs, refuses to restore under it, and restores the halted desk after it stopped", { timeout: 300_000 }, async () => {
    dataDir = await mkdtemp(join(tmpdir(), "war-room-backup-e2e-"));
    // The CLIs reach no Redis: they must not need one.
    const cliEnv = { DATA_DIR: dataDir, REDIS_URL: "redis://127.0.0.1:1" };

    const first = await startDesk(dataDir);
    let account: string;
    let file: string;
    try {
      const status = await call(first.api, "/api/kill-switch/status");
      account = status.json.accounts[0]!.accountId;
      expect((await call(first.api, "/api/kill-switch/activate", { accountId: account, reason: "audit before restore drill" })).status).toBe(200);

      const backup = await runEntry("src/main/backup.ts", [], cliEnv);
      expect(backup.code, backup.output).toBe(0);
      file = /^backup written: (\S+) \(mode 0600\)$/m.exec(backup.output)?.[1] ?? "";
      expect(file.startsWith(join(dataDir, "backups", "warroom-"))).toBe(true);
      expect(file).toMatch(/warroom-\d{8}T\d{6}Z\.sql\.gz$/);

      const underTheDesk = await runEntry("src/main/restore.ts", [file, "--force"], cliEnv);
      expect(underTheDesk.code).toBe(1);
      expect(underTheDesk.output).toMatch(/restore refused, nothing was changed: the database is in use/);
      // The desk was not disturbed.
      expect((await call(first.api, "/api/kill-switch/status")).status).toBe(200);
    } finally {
      await stop(first.child);
    }

    const withoutForce = await runEntry("src/main/restore.ts", [file], cliEnv);
    expect(withoutForce.code).toBe(1);
    expect(withoutForce.output).toMatch(/the database already holds a desk \(1 account\)/);

    const restore = await runEntry("src/main/restore.ts", [file, "--force"], cliEnv);
    expect(restore.code, restore.output).toBe(0);
    expect(restore.output).toMatch(/^ {4}\S+ +HALTED {2}audit before restore drill$/m);

    const second = await startDesk(dataDir);
    try {
      const row = (await call(second.api, "/api/kill-switch/status")).json.accounts.find((a) => a.accountId === account);
      expect(row).toMatchObject({ state: "HALTED", reason: "audit before restore drill" });
    } finally {
      await stop(second.child);
    }
  });
});
