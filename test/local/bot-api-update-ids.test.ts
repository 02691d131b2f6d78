import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bot } from "grammy";
import { afterAll, describe, expect, it } from "vitest";
import { RedisOnceLedger } from "../../src/adapters/redis/once-ledger.js";
import { dedupeUpdates, updateDeduper } from "../../src/adapters/telegram/middlewares/dedupe.js";
import { startBotApiEmulator } from "../../src/local/bot-api/index.js";
import { createLogger } from "../../src/logger.js";
import { useTestRedis } from "../support/redis.js";

const TOKEN = "7000000001:local-test-token";
const ANN = { id: 101, first_name: "Ann" };
const { redis, prefix } = useTestRedis();
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** One lifetime of the local mode: an emulator on `stateDir`, and a bot behind the Redis update ledger that polls it until it handled `text`. */
async function lifetime(stateDir: string, text: string): Promise<{ handled: string[]; updateIds: number[] }> {
  const photoDir = await mkdtemp(join(tmpdir(), "war-room-emulator-photos-"));
  dirs.push(photoDir);
  const emulator = await startBotApiEmulator({ token: TOKEN, photoDir, stateDir });
  emulator.user.registerUser(ANN);
  const bot = new Bot(TOKEN, { client: { apiRoot: emulator.apiRoot } });
  const handled: string[] = [];
  const updateIds: number[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  bot.use(async (ctx, next) => {
    updateIds.push(ctx.update.update_id);
    await next();
  });
  bot.use(dedupeUpdates(updateDeduper(new RedisOnceLedger(redis, prefix)), { log: createLogger("silent") }));
  bot.on("message:text", (ctx) => {
    handled.push(ctx.message.text);
    if (ctx.message.text === text) done();
  });
  // Two commands per lifetime: the ledger sees several ids, as after a real session.
  await emulator.user.sendText(ANN, "/status");
  await emulator.user.sendText(ANN, text);
  void bot.start();
  await finished;
  await bot.stop();
  await emulator.close();
  return { handled, updateIds };
}

describe("update ids across emulator restarts", () => {
  it("keep increasing on the same data folder, so the update ledger never drops the first commands after a restart", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "war-room-emulator-state-"));
    dirs.push(stateDir);
    const first = await lifetime(stateDir, "/first");
    expect(first.handled).toEqual(["/status", "/first"]);
    const second = await lifetime(stateDir, "/second");
    expect(second.handled).toEqual(["/status", "/second"]);
    expect(Math.min(...second.updateIds)).toBeGreaterThan(Math.max(...first.updateIds));
    expect(Number(await readFile(join(stateDir, "last-update-id"), "utf8"))).toBe(Math.max(...second.updateIds));
  });
});
