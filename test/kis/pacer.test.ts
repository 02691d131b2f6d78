import { createServer, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, expect, it } from "vitest";
import { KIS_PATHS } from "../../src/adapters/broker/kis/environments.js";
import { KisHttp, type KisRequest } from "../../src/adapters/broker/kis/http.js";
import { InProcessKisPacer, type KisPacer, RedisKisPacer } from "../../src/adapters/broker/kis/pacer.js";
import { TokenCache } from "../../src/adapters/broker/kis/token-cache.js";
import type { KisFake } from "../support/kis-fake/server.js";
import { useTestRedis } from "../support/redis.js";
import { APPS, keyspace, startFake } from "./harness.js";

const { redis, prefix, url } = useTestRedis();
const extra: Redis[] = [];
let fake: KisFake;
beforeEach(async () => {
  fake = await startFake();
  fake.setQuote("NAS", "NVDA", { last: "120.50", tvol: "1000" });
});
afterEach(async () => {
  await fake.close();
});
afterAll(async () => {
  for (const r of extra) r.disconnect();
});

/** A second connection to the test Redis: what another process would have. */
function processRedis(): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: null });
  extra.push(r);
  return r;
}

/** One "process": its own Redis connection, token cache and KisHttp on the real app key. */
function processHttp(space: string, pacer: KisPacer | undefined, o: { rate?: number; marketDataWaitMs?: number } = {}): KisHttp {
  const r = processRedis();
  const tokens = new TokenCache({ redis: r, prefix: space, env: "real", baseUrl: fake.url, appKey: "REALKEY0001", appSecret: APPS.REALKEY0001.secret });
  return new KisHttp({ env: "real", baseUrl: fake.url, appKey: "REALKEY0001", appSecret: APPS.REALKEY0001.secret, tokens, pacer, ratePerSecond: o.rate ?? 8, rateLimitBackoffMs: 50, rateLimitRetries: 20, marketDataWaitMs: o.marketDataWaitMs ?? 5000 });
}

const quote: KisRequest = { method: "GET", path: KIS_PATHS.quote, trId: "HHDFS00000300", kind: "query", lane: "market-data", params: { AUTH: "", EXCD: "NAS", SYMB: "NVDA" } };
const balance: KisRequest = {
  method: "GET",
  path: KIS_PATHS.balance,
  trId: "TTTS3012R",
  kind: "query",
  params: { CANO: "50012345", ACNT_PRDT_CD: "01", OVRS_EXCG_CD: "NASD", TR_CRCY_CD: "USD", CTX_AREA_FK200: "", CTX_AREA_NK200: "" },
};

it("two processes on one app key, pacing through Redis, never go over the per-second limit", async () => {
  const space = keyspace(prefix);
  fake.limitPerSecond(10);
  const a = processHttp(space, new RedisKisPacer({ redis: processRedis(), prefix: space }));
  const b = processHttp(space, new RedisKisPacer({ redis: processRedis(), prefix: space }));
  await Promise.all([...Array.from({ length: 10 }, () => a.request(balance)), ...Array.from({ length: 10 }, () => b.request(balance))]);
  expect(fake.overLimit).toBe(0);
  expect(fake.busiestSecond("REALKEY0001")).toBeLessThanOrEqual(10);
  expect(fake.count(KIS_PATHS.balance)).toBe(20);
});

it("the same two processes each pacing on their own collide with the limit (what Redis prevents)", async () => {
  const space = keyspace(prefix);
  fake.limitPerSecond(10);
  const a = processHttp(space, new InProcessKisPacer());
  const b = processHttp(space, new InProcessKisPacer());
  await Promise.all([...Array.from({ length: 10 }, () => a.request(balance)), ...Array.from({ length: 10 }, () => b.request(balance))]);
  expect(fake.overLimit).toBeGreaterThan(0);
});

it("market data never goes ahead of orders booked before it, from another process", async () => {
  const space = keyspace(prefix);
  const orders = processHttp(space, new RedisKisPacer({ redis: processRedis(), prefix: space }));
  const quotes = processHttp(space, new RedisKisPacer({ redis: processRedis(), prefix: space }));
  await orders.request(balance); // the token is issued once and shared
  const burst = Array.from({ length: 6 }, () => orders.request(balance));
  while (fake.count(KIS_PATHS.balance) < 2) await new Promise((r) => setImmediate(r));
  await Promise.all([...burst, quotes.request(quote), quotes.request(quote)]);
  const order = fake.requests.filter((r) => r.path !== KIS_PATHS.token).map((r) => r.path);
  expect(order).toEqual([...Array<string>(7).fill(KIS_PATHS.balance), KIS_PATHS.quote, KIS_PATHS.quote]);
});

it("market data alone keeps to half the rate", async () => {
  const space = keyspace(prefix);
  // Half of 8 is 4 a second; the fake allows 5 (one slot of slack for network jitter), 8 would break it.
  fake.limitPerSecond(5);
  const a = processHttp(space, new RedisKisPacer({ redis: processRedis(), prefix: space }), { rate: 8 });
  const b = processHttp(space, new RedisKisPacer({ redis: processRedis(), prefix: space }), { rate: 8 });
  await Promise.all(Array.from({ length: 5 }, () => [a.request(quote), b.request(quote)]).flat());
  expect(fake.overLimit).toBe(0);
  expect(fake.count(KIS_PATHS.quote)).toBe(10);
});

it("a market-data request that finds no free slot in time is 'paced' and nothing is sent", async () => {
  const space = keyspace(prefix);
  const pacer = new RedisKisPacer({ redis: processRedis(), prefix: space });
  const http = processHttp(space, pacer, { rate: 2, marketDataWaitMs: 100 });
  await http.request(balance);
  const booked = Array.from({ length: 3 }, () => http.request(balance)); // the schedule is booked 1.5 s ahead
  await new Promise((r) => setImmediate(r));
  const err = await http.request(quote).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: "PACED", operatorText: "KIS: market data paced (orders go first)", retryable: true, unclear: false });
  await Promise.all(booked);
  expect(fake.count(KIS_PATHS.quote)).toBe(0);
});

/**
 * A Redis that answers the connection's start-up (INFO, CLIENT, SELECT) and then never answers a
 * script: a Redis that hangs after the client thinks it is ready.
 */
async function hangingRedis(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let buffer = "";
    socket.on("data", (chunk) => {
      buffer += chunk.toString("latin1");
      for (;;) {
        const command = nextCommand(buffer);
        if (!command) return;
        buffer = buffer.slice(command.length);
        const name = command.args[0]?.toUpperCase();
        if (name === "INFO") socket.write(`$${"loading:0\r\n".length}\r\nloading:0\r\n\r\n`);
        else if (name !== "EVAL" && name !== "EVALSHA") socket.write("+OK\r\n");
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** One RESP array of bulk strings from the front of `buffer`, or undefined when incomplete. */
function nextCommand(buffer: string): { args: string[]; length: number } | undefined {
  const head = /^\*(\d+)\r\n/.exec(buffer);
  if (!head) return undefined;
  let at = head[0].length;
  const args: string[] = [];
  for (let i = 0; i < Number(head[1]); i++) {
    const len = /^\$(\d+)\r\n/.exec(buffer.slice(at));
    if (!len) return undefined;
    at += len[0].length;
    if (buffer.length < at + Number(len[1]) + 2) return undefined;
    args.push(buffer.slice(at, at + Number(len[1])));
    at += Number(len[1]) + 2;
  }
  return { args, length: at };
}

it("when Redis does not answer, orders still go: paced in the process instead", async () => {
  const hanging = await hangingRedis();
  const silent = new Redis({ host: "127.0.0.1", port: hanging.port, maxRetriesPerRequest: null });
  try {
    await new Promise((r) => silent.once("ready", r));
    const space = keyspace(prefix);
    const http = processHttp(space, new RedisKisPacer({ redis: silent, prefix: space, timeoutMs: 50 }));
    expect((await http.request(balance)).httpStatus).toBe(200);
    // A Redis that is not connected at all sends bookings to the fallback at once.
    const closed = new Redis({ host: "127.0.0.1", port: 1, lazyConnect: true, maxRetriesPerRequest: null });
    extra.push(closed);
    const http2 = processHttp(space, new RedisKisPacer({ redis: closed, prefix: space }));
    expect((await http2.request(quote)).httpStatus).toBe(200);
  } finally {
    silent.disconnect();
    await hanging.close();
  }
});

it("pacing keys in Redis never carry the app key", async () => {
  const space = keyspace(prefix);
  await processHttp(space, new RedisKisPacer({ redis, prefix: space })).request(balance);
  const keys = await redis.keys(`${space}kis:pace*`);
  expect(keys.length).toBeGreaterThan(0);
  for (const k of keys) expect(k).not.toContain("REALKEY0001");
});
