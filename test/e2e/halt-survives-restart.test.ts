import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { useTestRedis } from "../support/redis.js";
import { spawnEntry, waitForOutput } from "../support/spawn.js";

const db = useTestDatabase();
const { url: redisUrl } = useTestRedis();
const token = randomBytes(24).toString("base64url");

async function startDesk(): Promise<{ child: ReturnType<typeof spawnEntry>; api: string }> {
  const child = spawnEntry("src/main/start.ts", [], { DATABASE_URL: db.url, REDIS_URL: redisUrl, API_TOKEN: token, HTTP_PORT: "0" });
  await waitForOutput(child, /War Room is ready/, 60_000);
  const api = /"http":"(http:\/\/[^"]+)"/.exec(child.output())?.[1];
  if (!api) throw new Error(`no HTTP address in:\n${child.output()}`);
  return { child, api };
}

interface StatusBody {
  accounts: { accountId: string; state: string; canTrade: boolean; trigger: string | null; reason: string; actor: string }[];
}

async function call(api: string, path: string, body?: unknown): Promise<{ status: number; json: StatusBody }> {
  const response = await fetch(`${api}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as StatusBody };
}

describe("a halt outlives the process", () => {
  it("start, halt, kill -9, start again: still HALTED with its reason", { timeout: 120_000 }, async () => {
    const account = await createAccount(db.dataSource, { name: "restart-desk" });
    const first = await startDesk();
    const halted = await call(first.api, "/api/kill-switch/activate", { accountId: account, reason: "desk review before the open" });
    expect(halted.status).toBe(200);
    first.child.kill("SIGKILL");
    await new Promise((done) => first.child.once("exit", done));

    const second = await startDesk();
    try {
      const status = await call(second.api, "/api/kill-switch/status");
      expect(status.status).toBe(200);
      const row = status.json.accounts.find((a) => a.accountId === account);
      expect(row).toMatchObject({ state: "HALTED", canTrade: false, trigger: "manual", reason: "desk review before the open", actor: "api" });
    } finally {
      second.child.kill("SIGTERM");
      await new Promise((done) => second.child.once("exit", done));
    }
  });
});
