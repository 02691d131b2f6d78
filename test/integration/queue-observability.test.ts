import { randomBytes } from "node:crypto";
import { QueueEvents, type Queue } from "bullmq";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { JobName } from "../../jobs/names.js";
import type { JobDefinition } from "../../jobs/registry.js";
import { createHttpMetrics, observeJobs, type HttpMetrics } from "../../src/adapters/http/metrics.js";
import { buildHttpServer, type QueueSource } from "../../src/adapters/http/server.js";
import { startJobRunner, type JobRunner } from "../../src/adapters/queue/job-runner.js";
import { useTestDatabase } from "../support/database.js";
import { killSwitchDeps } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";

const db = useTestDatabase();
const { url: redisUrl, redis } = useTestRedis();
/** BullMQ keys of this file, under a prefix of its own; deleted after its tests. */
const PREFIX = `test-queues-${randomBytes(4).toString("hex")}`;
const TOKEN = randomBytes(24).toString("base64url");

/** Every log line and response body of the file: none may contain the token. */
const logLines: string[] = [];
const bodies: string[] = [];
const log = pino({ level: "trace" }, { write: (line: string) => void logLines.push(line) });

/**
 * Three stand-in processors under real job names (the runner takes only the desk's jobs; this
 * file's prefix keeps them apart from any real queue): HOLD runs until released, so its queue
 * has one job active and the rest waiting; BROKEN always fails; FINE always succeeds.
 */
const HOLD: JobName = "warroom-scan";
const BROKEN: JobName = "broker-fills";
const FINE: JobName = "price-poll";
let release: () => void = () => undefined;
let holdStarted: () => void = () => undefined;
const held = new Promise<void>((resolve) => (release = resolve));
const started = new Promise<void>((resolve) => (holdStarted = resolve));
const definitions: JobDefinition[] = [
  { name: HOLD, payload: z.object({}), process: async () => (holdStarted(), await held, "released") },
  { name: BROKEN, payload: z.object({}), process: () => Promise.reject(new Error("broken on purpose")) },
  { name: FINE, payload: z.object({}), process: () => Promise.resolve("ok") },
];

let runner: JobRunner;
let metrics: HttpMetrics;
const events: QueueEvents[] = [];
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  metrics = createHttpMetrics();
  // The wiring src/main/jobs.ts uses: onJobDone feeds the duration histogram and the failure counter.
  runner = await startJobRunner({ redisUrl, prefix: PREFIX, definitions, log: pino({ level: "silent" }), onJobDone: observeJobs(metrics) });
});

afterAll(async () => {
  release();
  await Promise.all(apps.map((app) => app.close()));
  await Promise.all(events.map((e) => e.close()));
  await runner?.close();
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length > 0) await redis.del(...keys);
  for (const text of [...logLines, ...bodies]) expect(text).not.toContain(TOKEN);
});

function server(options: { apiToken?: string | undefined; queues?: QueueSource } = {}): FastifyInstance {
  const app = buildHttpServer({
    killSwitch: killSwitchDeps(db.dataSource),
    apiToken: "apiToken" in options ? options.apiToken : TOKEN,
    checks: { database: () => Promise.resolve(), redis: () => Promise.resolve() },
    metrics,
    queues: options.queues ?? (() => runner.queues),
    log,
  });
  apps.push(app);
  return app;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

async function get(app: FastifyInstance, url: string, authorization?: string, method: "GET" | "PUT" = "GET"): Promise<LightMyRequestResponse> {
  const response = await app.inject({ method, url, headers: authorization ? { authorization } : {} });
  bodies.push(response.body);
  return response;
}

function queue(name: JobName): Queue {
  return runner.queues.get(name)!;
}

async function eventsOf(name: JobName): Promise<QueueEvents> {
  const e = new QueueEvents(name, { connection: { url: redisUrl }, prefix: PREFIX });
  events.push(e);
  await e.waitUntilReady();
  return e;
}

describe("queue metrics on /metrics", () => {
  it("shows each queue's waiting, active, delayed and failed jobs, and counts every failed attempt", async () => {
    const [brokenEvents, fineEvents] = await Promise.all([eventsOf(BROKEN), eventsOf(FINE)]);
    const ok = await queue(FINE).add(FINE, {});
    expect(await ok.waitUntilFinished(fineEvents, 10_000)).toBe("ok");
    // Two jobs failing once, and one failing on both of its attempts: 3 failed jobs, 4 failed attempts.
    const once = [await queue(BROKEN).add(BROKEN, {}, { attempts: 1 }), await queue(BROKEN).add(BROKEN, {}, { attempts: 1 })];
    const twice = await queue(BROKEN).add(BROKEN, {}, { attempts: 2, backoff: { type: "fixed", delay: 10 } });
    for (const job of [...once, twice]) await expect(job.waitUntilFinished(brokenEvents, 10_000)).rejects.toThrow("broken on purpose");

    await queue(HOLD).add(HOLD, {});
    await started;
    await queue(HOLD).add(HOLD, {});
    await queue(HOLD).add(HOLD, {}, { priority: 5 }); // prioritized: waiting all the same
    await queue(HOLD).add(HOLD, {}, { delay: 60_000 });

    const response = await get(server(), "/metrics", `Bearer ${TOKEN}`);
    expect(response.statusCode).toBe(200);
    const sample = (name: string, labels: string) => new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, "m").exec(response.body)?.[1];
    const depth = (q: string, state: string) => sample("war_room_queue_jobs", `queue="${q}",state="${state}"`);
    expect(["waiting", "active", "delayed", "failed"].map((s) => depth(HOLD, s))).toEqual(["2", "1", "1", "0"]);
    expect(["waiting", "active", "delayed", "failed"].map((s) => depth(BROKEN, s))).toEqual(["0", "0", "0", "3"]);
    expect(["waiting", "active", "delayed", "failed"].map((s) => depth(FINE, s))).toEqual(["0", "0", "0", "0"]);
    expect(response.body).toContain("# TYPE war_room_queue_jobs gauge");
    expect(response.body).toContain("# TYPE war_room_job_failures_total counter");
    expect(sample("war_room_job_failures_total", `job="${BROKEN}"`)).toBe("4");
    // Known jobs start at 0, so rate() works before their first failure.
    expect(sample("war_room_job_failures_total", `job="${FINE}"`)).toBe("0");
    expect(sample("war_room_job_failures_total", `job="${HOLD}"`)).toBe("0");
    expect(sample("war_room_job_duration_seconds_count", `job="${BROKEN}",outcome="failed"`)).toBe("4");
    expect(sample("war_room_job_duration_seconds_count", `job="${FINE}",outcome="completed"`)).toBe("1");
    expect(response.body).toContain("process_cpu_user_seconds_total");
  });

  it("serves the rest without queue gauges before the job runner is up", async () => {
    const response = await get(server({ queues: () => undefined }), "/metrics", `Bearer ${TOKEN}`);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("# TYPE war_room_queue_jobs gauge");
    expect(response.body).not.toMatch(/^war_room_queue_jobs\{/m);
    expect(response.body).toContain("process_cpu_user_seconds_total");
  });
});

describe("Bull Board at /admin/queues", () => {
  it("refuses a missing or wrong token with 401 and a Basic challenge", async () => {
    const app = server();
    for (const url of ["/admin/queues", "/admin/queues/api/queues"]) {
      const missing = await get(app, url);
      expect([missing.statusCode, missing.json().error.code], url).toEqual([401, "unauthorized"]);
      expect(missing.headers["www-authenticate"]).toBe('Basic realm="War Room queues", charset="UTF-8"');
      for (const wrong of [`Bearer ${TOKEN}x`, basic("ops", `${TOKEN}x`), basic(TOKEN, ""), `Basic ${TOKEN}`, "Bearer"]) {
        const response = await get(app, url, wrong);
        expect([response.statusCode, response.json().error.code], `${url} ${wrong.slice(0, 6)}`).toEqual([401, "unauthorized"]);
      }
    }
    expect(logLines.some((line) => line.includes("queue board request refused"))).toBe(true);
  });

  it("serves the board, its assets and its API with the token, as a bearer header or Basic auth", async () => {
    const app = server();
    const page = await get(app, "/admin/queues", `Bearer ${TOKEN}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).toContain("War Room queues");
    expect(page.headers["x-frame-options"]).toBe("DENY");

    // The browser path: a Basic password, sent by the browser with the page's assets too.
    const browser = basic("ops", TOKEN);
    expect((await get(app, "/admin/queues/", browser)).statusCode).toBe(200);
    // Its assets are relative to <base href>: they must land under /admin/queues, behind the same check.
    const base = /<base href="([^"]+)"/.exec(page.body)?.[1];
    const asset = /src="([^"]*static\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect([base, asset?.startsWith("static/")]).toEqual(["/admin/queues/", true]);
    const script = new URL(asset!, new URL(base!, "http://desk")).pathname;
    expect(script.startsWith("/admin/queues/static/")).toBe(true);
    expect((await get(app, script, browser)).statusCode).toBe(200);
    expect((await get(app, script)).statusCode).toBe(401);

    const api = await get(app, "/admin/queues/api/queues", browser);
    expect(api.statusCode).toBe(200);
    expect(api.headers["content-type"]).toContain("application/json");
    expect(api.headers["cache-control"]).toBe("no-store");
    const listed = (api.json().queues as { name: string; readOnlyMode: boolean }[]).map((q) => [q.name, q.readOnlyMode]);
    expect(listed.sort()).toEqual([[BROKEN, true], [FINE, true], [HOLD, true]]);
  });

  it("is read-only: a change is refused with 405 and changes nothing", async () => {
    const app = server();
    const before = await queue(BROKEN).getJobCounts("failed", "waiting");
    for (const url of ["/admin/queues/api/queues/broken/retry/failed", "/admin/queues/api/queues/pause"]) {
      const response = await get(app, url, `Bearer ${TOKEN}`, "PUT");
      expect([response.statusCode, response.json().error.code], url).toEqual([405, "read_only"]);
    }
    // Unauthenticated, a change is a 401 like anything else.
    expect((await get(app, "/admin/queues/api/queues/broken/retry/failed", undefined, "PUT")).statusCode).toBe(401);
    expect(await queue(BROKEN).getJobCounts("failed", "waiting")).toEqual(before);
    expect(await queue(BROKEN).isPaused()).toBe(false);
  });

  it("answers 503 while no API_TOKEN is configured", async () => {
    const app = server({ apiToken: undefined });
    for (const url of ["/admin/queues", "/admin/queues/api/queues"]) {
      const response = await get(app, url, `Bearer ${TOKEN}`);
      expect(response.statusCode, url).toBe(503);
      expect(response.json()).toEqual({ error: { code: "api_disabled", message: "set API_TOKEN to enable the queue board" } });
    }
  });
});
