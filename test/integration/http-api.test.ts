import { randomBytes, randomUUID } from "node:crypto";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { KillSwitchRepository } from "../../src/adapters/db/repositories/kill-switch-repository.js";
import { createHttpMetrics } from "../../src/adapters/http/metrics.js";
import { buildHttpServer, type ReadinessChecks } from "../../src/adapters/http/server.js";
import { RecordingNotifier } from "../../src/adapters/notifier/recording-notifier.js";
import { hashOverrideCode, OverrideCodeVerifier } from "../../src/adapters/security/override-code.js";
import type { KillSwitchDeps } from "../../src/app/kill-switch/deps.js";
import type { KillSwitchStore } from "../../src/app/ports/kill-switch-store.js";
import { createAccount, holdPosition } from "../support/accounts.js";
import { useTestDatabase } from "../support/database.js";
import { killSwitchDeps, price } from "../support/desk.js";
import { useTestRedis } from "../support/redis.js";

const db = useTestDatabase();
const { redis } = useTestRedis();
const CODE = randomBytes(12).toString("base64url");
const TOKEN = randomBytes(24).toString("base64url");
// Tuesday 2026-11-24, 11:00 New York: the market is open.
const NOW = new Date("2026-11-24T16:00:00Z");
const LOCKED_UNTIL = new Date(NOW.getTime() + 15 * 60_000).toISOString();

let verifier: OverrideCodeVerifier;
beforeAll(async () => {
  verifier = new OverrideCodeVerifier(await hashOverrideCode(CODE));
});

/** Every log line and response body of the file: none may contain the code or the token. */
const logLines: string[] = [];
const bodies: string[] = [];
const log = pino({ level: "trace" }, { write: (line: string) => void logLines.push(line) });

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
afterAll(() => {
  expect(logLines.length).toBeGreaterThan(0);
  for (const text of [...logLines, ...bodies]) {
    expect(text).not.toContain(CODE);
    expect(text).not.toContain(TOKEN);
  }
});

function deps(options: { notifier?: RecordingNotifier; now?: Date; overrideCode?: KillSwitchDeps["overrideCode"]; store?: KillSwitchStore } = {}): KillSwitchDeps {
  const now = options.now ?? NOW;
  return killSwitchDeps(db.dataSource, {
    store: options.store,
    notifier: options.notifier,
    clock: { now: () => now },
    overrideCode: "overrideCode" in options ? options.overrideCode : verifier,
  });
}

async function databaseCheck(): Promise<void> {
  await db.dataSource.query("SELECT 1");
}
async function redisCheck(): Promise<void> {
  await redis.ping();
}
const realChecks: ReadinessChecks = { database: databaseCheck, redis: redisCheck };

function server(options: { deps?: KillSwitchDeps; apiToken?: string | undefined; metricsToken?: string; checks?: ReadinessChecks } = {}): FastifyInstance {
  const app = buildHttpServer({
    killSwitch: options.deps ?? deps(),
    apiToken: "apiToken" in options ? options.apiToken : TOKEN,
    ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
    checks: options.checks ?? realChecks,
    metrics: createHttpMetrics(),
    log,
  });
  apps.push(app);
  return app;
}

async function call(app: FastifyInstance, method: "GET" | "POST", url: string, body?: unknown, token: string | null = TOKEN): Promise<LightMyRequestResponse> {
  const response = await app.inject({
    method,
    url,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });
  bodies.push(response.body);
  return response;
}

async function stateOf(accountId: string): Promise<string | undefined> {
  return (await new KillSwitchRepository(db.dataSource).status(accountId))?.state;
}

describe("health, readiness and metrics", () => {
  it("answers /healthz without I/O and without a token", async () => {
    const response = await call(server(), "GET", "/healthz", undefined, null);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok" });
  });

  it("is ready when PostgreSQL and Redis answer, and 503 naming the one that does not", async () => {
    const ok = await call(server(), "GET", "/readyz", undefined, null);
    expect([ok.statusCode, ok.json()]).toEqual([200, { status: "ready", database: "ok", redis: "ok" }]);

    const failing = server({ checks: { database: databaseCheck, redis: () => Promise.reject(new Error("connection refused")) } });
    const down = await call(failing, "GET", "/readyz", undefined, null);
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: "not_ready", database: "ok", redis: "failed", error: { code: "not_ready", message: "redis check failed" } });
  });

  it("times a hanging check out after 2 s", async () => {
    const hanging = server({ checks: { database: () => new Promise(() => undefined), redis: redisCheck } });
    const started = Date.now();
    const response = await call(hanging, "GET", "/readyz", undefined, null);
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ database: "timeout", redis: "ok" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it("serves Prometheus text with each account's kill-switch state and readings", async () => {
    const active = await createAccount(db.dataSource);
    const halted = await createAccount(db.dataSource, { state: "HALTED" });
    const app = server();
    expect((await call(app, "POST", "/api/kill-switch/check", { accountId: active })).statusCode).toBe(200);
    const [activeName, haltedName] = await Promise.all([active, halted].map(async (id) => (await new KillSwitchRepository(db.dataSource).status(id))!.accountName));

    const response = await call(app, "GET", "/metrics");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/plain");
    expect(response.body).toContain(`war_room_kill_switch_state{account="${activeName}"} 0`);
    expect(response.body).toContain(`war_room_kill_switch_state{account="${haltedName}"} 1`);
    expect(response.body).toContain(`war_room_trigger_reading{account="${activeName}",trigger="api_error"} 0`);
    expect(response.body).toContain(`war_room_trigger_headroom{account="${activeName}",trigger="api_error"} 3`);
    expect(response.body).toContain("# TYPE war_room_job_duration_seconds histogram");
    expect(response.body).toContain("process_cpu_user_seconds_total");
  });

  it("keeps /metrics (account names, states, readings) behind a bearer token: METRICS_TOKEN, else API_TOKEN, else 503", async () => {
    const app = server();
    const none = await call(app, "GET", "/metrics", undefined, null);
    expect([none.statusCode, none.json().error.code]).toEqual([401, "unauthorized"]);
    expect(none.headers["www-authenticate"]).toBe('Bearer realm="war-room"');
    const wrong = await call(app, "GET", "/metrics", undefined, `${TOKEN}x`);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).not.toContain("war_room_kill_switch_state");

    const metricsToken = "m".repeat(32);
    const own = server({ metricsToken });
    expect((await call(own, "GET", "/metrics", undefined, metricsToken)).statusCode).toBe(200);
    // With METRICS_TOKEN set, API_TOKEN no longer opens /metrics (and the other way round).
    expect((await call(own, "GET", "/metrics")).statusCode).toBe(401);
    expect((await call(own, "GET", "/api/kill-switch/status", undefined, metricsToken)).statusCode).toBe(401);

    const closed = await call(server({ apiToken: undefined }), "GET", "/metrics", undefined, null);
    expect([closed.statusCode, closed.json().error]).toEqual([503, { code: "metrics_disabled", message: "set METRICS_TOKEN (or API_TOKEN) to enable /metrics" }]);
  });
});

describe("authentication", () => {
  it("refuses a missing or wrong token with 401, and answers 503 when no API_TOKEN is configured", async () => {
    const app = server();
    const missing = await call(app, "GET", "/api/kill-switch/status", undefined, null);
    expect([missing.statusCode, missing.json().error.code]).toEqual([401, "unauthorized"]);
    expect(missing.headers["www-authenticate"]).toContain("Bearer");

    const wrong = await call(app, "GET", "/api/kill-switch/status", undefined, `${TOKEN}x`);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: { code: "unauthorized", message: "invalid bearer token" } });
    const basic = await app.inject({ method: "GET", url: "/api/kill-switch/status", headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.statusCode).toBe(401);

    // Unauthenticated callers learn nothing about the schemas: 401 before validation.
    const unauthenticatedBadBody = await call(app, "POST", "/api/kill-switch/activate", { nonsense: true }, null);
    expect(unauthenticatedBadBody.statusCode).toBe(401);

    const disabled = server({ apiToken: undefined });
    const off = await call(disabled, "POST", "/api/kill-switch/activate", { reason: "x" }, TOKEN);
    expect(off.statusCode).toBe(503);
    expect(off.json()).toEqual({ error: { code: "api_disabled", message: "set API_TOKEN to enable the kill-switch API" } });
    expect((await call(disabled, "GET", "/healthz", undefined, null)).statusCode).toBe(200);
  });
});

describe("kill-switch API", () => {
  it("lists every account's state", async () => {
    const account = await createAccount(db.dataSource, { state: "HALTED" });
    const response = await call(server(), "GET", "/api/kill-switch/status");
    expect(response.statusCode).toBe(200);
    const entry = (response.json().accounts as { accountId: string }[]).find((a) => a.accountId === account);
    expect(entry).toMatchObject({ accountId: account, state: "HALTED", canTrade: false, reason: "test: halted", resumeLockedUntil: null, lastCheckedAt: null, readings: [] });
    expect(Object.keys(entry!).sort()).toEqual(
      ["accountId", "accountName", "actor", "canTrade", "changedAt", "lastCheckedAt", "reason", "readings", "resumeLockedUntil", "state", "trigger"].sort(),
    );
  });

  it("halts an account on activate, records it and alerts admins", async () => {
    const account = await createAccount(db.dataSource);
    const notifier = new RecordingNotifier();
    const app = server({ deps: deps({ notifier }) });
    const response = await call(app, "POST", "/api/kill-switch/activate", { reason: "desk review", accountId: account });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ results: [expect.objectContaining({ accountId: account, changed: true, state: "HALTED" })] });
    const status = await new KillSwitchRepository(db.dataSource).status(account);
    expect(status).toMatchObject({ state: "HALTED", trigger: "manual", reason: "desk review", actor: "api" });
    expect(notifier.alerts.map((a) => [a.kind, a.accountId])).toEqual([["halted", account]]);
  });

  it("halts with a reason carrying a NUL byte and controls (cleaned), even one that is only controls", async () => {
    const account = await createAccount(db.dataSource);
    const app = server();
    const response = await call(app, "POST", "/api/kill-switch/activate", { reason: "feed\u0000glitch\u0007", accountId: account });
    expect(response.statusCode).toBe(200);
    expect(await new KillSwitchRepository(db.dataSource).status(account)).toMatchObject({ state: "HALTED", reason: "feedglitch" });
    const other = await createAccount(db.dataSource);
    const empty = await call(app, "POST", "/api/kill-switch/activate", { reason: "\u0000\u0001 ", accountId: other });
    expect(empty.statusCode).toBe(200);
    expect(await new KillSwitchRepository(db.dataSource).status(other)).toMatchObject({ state: "HALTED", reason: "manual halt over the REST API" });
  });

  it("rejects a bad activate body with 400 naming the field", async () => {
    const app = server();
    const cases: [unknown, RegExp][] = [
      [{}, /must have required property 'reason'/],
      [{ reason: "" }, /^body\/reason must NOT have fewer than 1 characters$/],
      [{ reason: "x".repeat(501) }, /^body\/reason must NOT have more than 500 characters$/],
      [{ reason: 42 }, /^body\/reason must be string$/],
      [{ reason: "ok", extra: 1 }, /additional property 'extra'/],
      [{ reason: "ok", accountId: "not-a-uuid" }, /^body\/accountId must match format "uuid"$/],
    ];
    for (const [body, message] of cases) {
      const response = await call(app, "POST", "/api/kill-switch/activate", body);
      expect(response.statusCode, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(response.json().error.code).toBe("bad_request");
      expect(response.json().error.message).toMatch(message);
    }
    const badJson = await app.inject({ method: "POST", url: "/api/kill-switch/activate", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, payload: `{"reason": ${CODE}` });
    expect([badJson.statusCode, badJson.json().error.code]).toEqual([400, "bad_request"]);
    bodies.push(badJson.body);
    const tooLarge = await call(app, "POST", "/api/kill-switch/activate", { reason: "x".repeat(17 * 1024) });
    expect([tooLarge.statusCode, tooLarge.json().error.code]).toEqual([413, "payload_too_large"]);
  });

  it("answers 404 for an unknown account and for an unknown route", async () => {
    const app = server();
    const unknown = randomUUID();
    for (const [url, body] of [
      ["/api/kill-switch/activate", { reason: "x", accountId: unknown }],
      ["/api/kill-switch/check", { accountId: unknown }],
      ["/api/kill-switch/deactivate", { accountId: unknown, code: CODE }],
    ] as const) {
      const response = await call(app, "POST", url, body);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe("unknown_account");
    }
    const route = await call(app, "GET", "/api/nothing-here");
    expect([route.statusCode, route.json().error.code]).toEqual([404, "not_found"]);
  });

  it("counts wrong codes desk-wide, locks every account after three (even for the right code), and resumes with the right code after the lockout", async () => {
    const account = await createAccount(db.dataSource, { state: "HALTED" });
    const other = await createAccount(db.dataSource, { state: "HALTED" });
    const app = server();
    const wrong = { accountId: account, code: randomBytes(12).toString("base64url") };
    const attempts = [];
    for (let i = 0; i < 3; i++) attempts.push(await call(app, "POST", "/api/kill-switch/deactivate", wrong));
    expect(attempts.map((r) => r.statusCode)).toEqual([403, 403, 403]);
    expect(attempts.map((r) => r.json().error)).toEqual([
      { code: "wrong_code", message: "wrong override code", attemptsLeft: 2, lockedUntil: null },
      { code: "wrong_code", message: "wrong override code", attemptsLeft: 1, lockedUntil: null },
      { code: "wrong_code", message: `wrong override code: resume is now locked until ${LOCKED_UNTIL}`, attemptsLeft: 0, lockedUntil: LOCKED_UNTIL },
    ]);
    const locked = await call(app, "POST", "/api/kill-switch/deactivate", { accountId: account, code: CODE });
    expect(locked.statusCode).toBe(423);
    expect(locked.json().error).toMatchObject({ code: "resume_locked", until: LOCKED_UNTIL });
    expect(JSON.stringify(locked.json())).not.toContain(CODE);
    expect(await stateOf(account)).toBe("HALTED");
    // One counter for the whole desk: another account gives no fresh three guesses.
    const otherLocked = await call(app, "POST", "/api/kill-switch/deactivate", { accountId: other, code: CODE });
    expect([otherLocked.statusCode, otherLocked.json().error.code]).toEqual([423, "resume_locked"]);
    expect(await stateOf(other)).toBe("HALTED");

    const later = server({ deps: deps({ now: new Date(new Date(LOCKED_UNTIL).getTime() + 60_000) }) });
    const resumed = await call(later, "POST", "/api/kill-switch/deactivate", { accountId: other, code: CODE });
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json()).toEqual({ accountId: other, state: "ACTIVE", suppressed: [] });
    expect(JSON.stringify(resumed.json())).not.toContain(CODE);
    expect(await stateOf(other)).toBe("ACTIVE");
    const [event] = await db.dataSource.query(`SELECT actor FROM kill_switch_events WHERE account_id = $1 AND event = 'resumed'`, [other]);
    expect(event).toEqual({ actor: "api" });

    const again = await call(later, "POST", "/api/kill-switch/deactivate", { accountId: other, code: CODE });
    expect([again.statusCode, again.json().error.code]).toEqual([409, "not_halted"]);
  });

  it("checks triggers through the API, then needs an acknowledgement to resume while daily_loss holds", async () => {
    // 75,000 cash + 250 x 100 = 100,000 equity; the position is 25% of it (under the 30% line).
    const account = await createAccount(db.dataSource, { cash: "75000" });
    await holdPosition(db.dataSource, account, "HTTPA", 250, "100");
    await price(db.dataSource, "HTTPA", "100", new Date(NOW.getTime() - 60_000));
    const notifier = new RecordingNotifier();
    const app = server({ deps: deps({ notifier }) });

    const first = await call(app, "POST", "/api/kill-switch/check", { accountId: account });
    expect(first.statusCode).toBe(200);
    expect(first.json().results).toEqual([expect.objectContaining({ accountId: account, halted: false, fired: [] })]);
    const firstReadings = first.json().results[0].readings as { trigger: string }[];
    expect(firstReadings.find((r) => r.trigger === "daily_loss")).toMatchObject({ value: "0.0000", fired: false });

    await price(db.dataSource, "HTTPA", "79", new Date(NOW.getTime() - 1000)); // -5.25%
    const all = await call(app, "POST", "/api/kill-switch/check"); // no body: every account
    expect(all.statusCode).toBe(200);
    const mine = (all.json().results as { accountId: string; halted: boolean; fired: { trigger: string }[] }[]).find((r) => r.accountId === account);
    expect(mine?.halted).toBe(true);
    expect(mine?.fired.map((r) => r.trigger)).toEqual(["daily_loss"]);
    expect(await stateOf(account)).toBe("HALTED");

    const needsAck = await call(app, "POST", "/api/kill-switch/deactivate", { accountId: account, code: CODE });
    expect(needsAck.statusCode).toBe(409);
    expect(needsAck.json().error).toMatchObject({ code: "acknowledgement_required", readings: [expect.objectContaining({ trigger: "daily_loss", value: "-5.2500", fired: true })] });
    expect(JSON.stringify(needsAck.json())).not.toContain(CODE);
    expect(await stateOf(account)).toBe("HALTED");

    const acknowledged = await call(app, "POST", "/api/kill-switch/deactivate", { accountId: account, code: CODE, acknowledge: true });
    expect(acknowledged.statusCode).toBe(200);
    expect(acknowledged.json()).toEqual({ accountId: account, state: "ACTIVE", suppressed: ["daily_loss"] });
    expect(JSON.stringify(acknowledged.json())).not.toContain(CODE);
    expect(await stateOf(account)).toBe("ACTIVE");
    expect(notifier.alerts.map((a) => a.kind)).toEqual(["halted", "resume_refused", "resumed"]);
  });

  it("refuses deactivate without an override code configured (503), and an acknowledge that is not a boolean (400)", async () => {
    const account = await createAccount(db.dataSource, { state: "HALTED" });
    const noCode = await call(server({ deps: deps({ overrideCode: undefined }) }), "POST", "/api/kill-switch/deactivate", { accountId: account, code: CODE });
    expect([noCode.statusCode, noCode.json().error.code]).toEqual([503, "no_override_code"]);

    const coerced = await call(server(), "POST", "/api/kill-switch/deactivate", { accountId: account, code: CODE, acknowledge: "true" });
    expect(coerced.statusCode).toBe(400);
    expect(coerced.json().error.message).toBe("body/acknowledge must be boolean");
    const missingCode = await call(server(), "POST", "/api/kill-switch/deactivate", { accountId: account });
    expect(missingCode.json().error.message).toMatch(/required property 'code'/);
    expect(await stateOf(account)).toBe("HALTED");
  });

  it("answers 500 with a generic message when the store fails, and logs the detail", async () => {
    class BrokenStore extends KillSwitchRepository {
      override accountIds(): Promise<string[]> {
        return Promise.reject(new Error("pool exhausted: internal detail"));
      }
    }
    const app = server({ deps: deps({ store: new BrokenStore(db.dataSource) }) });
    const response = await call(app, "GET", "/api/kill-switch/status");
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: "internal", message: "internal error; the details are in the server log" } });
    expect(logLines.some((line) => line.includes("pool exhausted: internal detail"))).toBe(true);

    // /metrics still serves the process metrics without the kill-switch gauges.
    const metrics = await call(app, "GET", "/metrics");
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain("process_cpu_user_seconds_total");
    expect(metrics.body).not.toMatch(/^war_room_kill_switch_state\{/m);
  });
});
