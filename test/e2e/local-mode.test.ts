import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnEntry, waitForOutput } from "../support/spawn.js";

/** `npm start` with no TELEGRAM_BOT_TOKEN: the bot against the built-in Bot API emulator. */
const dataDir = mkdtempSync(join(resolve("data"), "e2e-local-"));
const env = { DATA_DIR: dataDir, LOCAL_PG_PORT: "0", LOCAL_REDIS_PORT: "0", HTTP_PORT: "0" };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const LOCAL_ADMIN = { id: 100_000_001, first_name: "Local operator" };

async function userApi<T>(root: string, name: string, body: unknown): Promise<T> {
  const response = await fetch(`${root}/${name}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await response.json()) as { ok: boolean; result: T; description?: string };
  if (!json.ok) throw new Error(`${name}: ${json.description}`);
  return json.result;
}

describe("local Telegram mode", () => {
  it("runs headless without a terminal, says so, and answers the local admin through the emulator", { timeout: 180_000 }, async () => {
    const desk = spawnEntry("src/main/start.ts", [], env);
    try {
      await waitForOutput(desk, /local Telegram mode is headless/, 120_000);
      await waitForOutput(desk, /War Room is ready/, 30_000);
      const root = /"userApi":"([^"]+)"/.exec(desk.output())![1]!;
      const commands = await (await fetch(`${root}/commands`)).json() as { result: { command: string }[] };
      expect(commands.result.map((c) => c.command)).toEqual(expect.arrayContaining(["status", "execute", "resume", "halt"]));
      await userApi(root, "sendText", { user: LOCAL_ADMIN, text: "/status" });
      const reply = await userApi<{ plainText: string }>(root, "waitForBotMessage", { chatId: LOCAL_ADMIN.id, textIncludes: "ACTIVE", timeoutMs: 20_000 });
      expect(reply.plainText).toMatch(/shadow — ACTIVE/i);
    } finally {
      desk.kill("SIGTERM");
      expect(await new Promise((done) => desk.once("exit", done))).toBe(0);
    }
  });

  // A real terminal comes from util-linux's `script`; a machine without it cannot run this case.
  const hasScript = spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0;
  it.skipIf(!hasScript)("opens a terminal chat: commands typed there are answered, /quit stops the desk", { timeout: 180_000 }, async () => {
    const command = `${process.execPath} --import ${resolve("node_modules/tsx/dist/loader.mjs")} src/main/start.ts`;
    const child = spawn("script", ["-qefc", command, "/dev/null"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", LOG_LEVEL: "warn", TERM: "dumb", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    // Without the terminal's colour codes, so patterns read as the operator reads the screen.
    // eslint-disable-next-line no-control-regex
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString().replace(/\x1b\[[0-9;]*[A-Za-z]/g, "")));
    const until = async (pattern: RegExp, ms: number) => {
      const deadline = Date.now() + ms;
      while (!pattern.test(output)) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} within ${ms} ms:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await until(/Type \/help/, 120_000);
      // Keys typed while the terminal is still being switched to raw mode can be lost, as in
      // any terminal program: type again until the bot's answer shows.
      for (let attempt = 1; ; attempt += 1) {
        child.stdin.write("/status\r");
        try {
          await until(/shadow — ACTIVE/i, 5_000);
          break;
        } catch (error) {
          if (attempt === 4) throw error;
        }
      }
      child.stdin.write("/quit\r");
      expect(await new Promise((done) => child.once("exit", done))).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
