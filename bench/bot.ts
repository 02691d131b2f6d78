/**
 * Telegram bot benchmark: `npm run bench:bot`.
 *
 * The real bot (every middleware: dedupe in Redis, authorisation, dialogues, features) through
 * `bot.handleUpdate`, on a durable embedded PostgreSQL (or BENCH_DATABASE_URL's server) and a
 * private redis-server, with the Telegram transport recorded instead of sent — so the figures
 * are the desk's own cost per update, not Telegram's network. Measures
 *   1. /status, sequential: p50/p95/p99 and updates per second;
 *   2. /status from 8 chats at once: updates per second (chats run concurrently, as the runner runs them);
 *   3. /execute BUY plus a second trader's Approve (proposal, pre-trade checks twice, order,
 *      paper fill, booking, trigger re-check, message edits): p50/p95/p99 of the pair.
 */
import { resolve } from "node:path";
import { Redis } from "ioredis";
import { startRedisServer } from "../src/local/redis-server.js";
import { createLogger } from "../src/logger.js";
import { createAccount, holdPosition } from "../test/support/accounts.js";
import { createTestBot, TRADER, TRADER_2, ADMIN, VIEWER, type TestBot } from "../test/support/bot.js";
import { MARKET_OPEN, price } from "../test/support/desk.js";
import { describeServer, Results, runBenchmark, say, withBenchDatabase, type BenchContext } from "./harness.js";
import { check, formatMs, formatRate, formatSummary, msSince, summarize } from "./stats.js";

const DATABASE = "warroom_bench_bot";
const POSITIONS = 20;
const STATUS_WARMUP = 100;
const STATUS_RUNS = 1_000;
const CONCURRENT_CHATS = 8;
const CONCURRENT_RUNS = 1_000;
const ORDER_WARMUP = 20;
const ORDER_RUNS = 300;
const TARGET = { statusP99Ms: 25, executeApproveP99Ms: 60 };

const results = new Results();

async function run({ dataSource, pool }: BenchContext): Promise<void> {
  say(await describeServer(pool));
  const redisServer = await startRedisServer({ dataDir: resolve("data", "bench"), port: 0, log: createLogger("warn", "bench"), persistent: false, autoInstall: false });
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  try {
    const accountId = await createAccount(dataSource, { name: "Bench", cash: "10000000" });
    const fresh = new Date(MARKET_OPEN.getTime() - 30_000);
    for (let i = 0; i < POSITIONS; i += 1) {
      const ticker = `T${String(i).padStart(2, "0")}`;
      await price(dataSource, ticker, "100", fresh);
      await holdPosition(dataSource, accountId, ticker, 10, "95");
    }
    const t = createTestBot(dataSource, { redis, prefix: `bench:${process.pid}:`, slippageBps: 0, thresholds: { dailyTradeLimit: 1_000_000 } });
    say(`one account with ${POSITIONS} priced positions; Telegram recorded, not sent\n`);
    await measureStatus(t);
    await measureConcurrentStatus(t);
    await measureExecuteApprove(t);
  } finally {
    await redis.quit();
    await redisServer.stop();
  }
  results.printSummary();
}

async function measureStatus(t: TestBot): Promise<void> {
  for (let i = 0; i < STATUS_WARMUP; i += 1) await t.send(ADMIN, "/status");
  t.telegram.clear();
  const samples: number[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < STATUS_RUNS; i += 1) {
    const s = process.hrtime.bigint();
    await t.send(VIEWER, "/status");
    samples.push(msSince(s));
  }
  const elapsed = msSince(started);
  if (!t.telegram.lastText(VIEWER).includes("Bench")) throw new Error("/status did not render the account");
  const summary = summarize(samples);
  say(`/status sequential: ${formatSummary(summary)}; ${formatRate((STATUS_RUNS * 1000) / elapsed, "updates")}`);
  results.record("/status p99", formatMs(summary.p99), `<= ${TARGET.statusP99Ms} ms`, check(summary.p99, "<=", TARGET.statusP99Ms));
  results.record("/status sequential", formatRate((STATUS_RUNS * 1000) / elapsed, "updates"), "", "info");
  t.telegram.clear();
}

async function measureConcurrentStatus(t: TestBot): Promise<void> {
  const chats = [ADMIN, TRADER, TRADER_2, VIEWER, ADMIN, TRADER, TRADER_2, VIEWER].slice(0, CONCURRENT_CHATS);
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    chats.map(async (chat) => {
      while (next < CONCURRENT_RUNS) {
        next += 1;
        await t.send(chat, "/status");
      }
    }),
  );
  const rate = (CONCURRENT_RUNS * 1000) / msSince(started);
  say(`/status from ${CONCURRENT_CHATS} chats at once: ${formatRate(rate, "updates")}`);
  results.record(`/status, ${CONCURRENT_CHATS} chats`, formatRate(rate, "updates"), "", "info");
  t.telegram.clear();
}

/** The proposal id on the copy posted to TRADER_2 by the last /execute. */
function lastProposalData(t: TestBot): string {
  const posted = t.telegram.sent("sendMessage", TRADER_2).at(-1);
  const markup = posted?.payload.reply_markup as { inline_keyboard: { callback_data: string }[][] } | undefined;
  const data = markup?.inline_keyboard[0]?.[0]?.callback_data;
  if (!data) throw new Error(`no proposal was posted: ${t.telegram.lastText(TRADER)}`);
  return data;
}

async function measureExecuteApprove(t: TestBot): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < ORDER_WARMUP + ORDER_RUNS; i += 1) {
    const ticker = `T${String(i % POSITIONS).padStart(2, "0")}`;
    t.telegram.clear();
    const s = process.hrtime.bigint();
    await t.send(TRADER, `/execute BUY ${ticker} 1`);
    await t.press(TRADER_2, lastProposalData(t));
    const ms = msSince(s);
    const answer = t.telegram.callbackAnswers().at(-1) ?? "";
    if (!answer.includes("filled")) throw new Error(`approval did not fill: ${answer}`);
    if (i >= ORDER_WARMUP) samples.push(ms);
  }
  const summary = summarize(samples);
  say(`/execute + Approve: ${formatSummary(summary)}; ${formatRate((ORDER_RUNS * 1000) / samples.reduce((a, b) => a + b, 0), "orders")}`);
  results.record("/execute + Approve p99", formatMs(summary.p99), `<= ${TARGET.executeApproveP99Ms} ms`, check(summary.p99, "<=", TARGET.executeApproveP99Ms));
}

runBenchmark("bot", () => withBenchDatabase({ database: DATABASE, poolSize: 20, applicationName: "bench-bot" }, run));
